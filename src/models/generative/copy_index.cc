#include "models/generative/copy_index.h"

#include "core/error.h"

namespace kairos {

namespace {
// splitmix64's finaliser: a strong 64-bit mix.
uint64_t mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
}  // namespace

uint64_t hash_items(std::span<const uint32_t> items) {
  uint64_t h = mix(items.size() + 0x9e3779b97f4a7c15ULL);
  for (uint32_t item : items) h = mix(h ^ (item + 0x9e3779b97f4a7c15ULL));
  return h;
}

CopyIndex::CopyIndex(const SessionSet& sessions, size_t run) : run_(run) {
  KAIROS_CHECK_USAGE(run >= 2, "the copied-run length must be at least 2 (got {})", run);
  for (size_t s = 0; s < sessions.size(); ++s) {
    const std::span<const uint32_t> items = sessions[s].items;
    sessions_.insert(hash_items(items));
    for (size_t i = 0; i + run_ <= items.size(); ++i)
      runs_.insert(hash_items(items.subspan(i, run_)));
  }
}

bool CopyIndex::is_copy(std::span<const uint32_t> items) const {
  return sessions_.contains(hash_items(items));
}

bool CopyIndex::copies_run(std::span<const uint32_t> items) const {
  for (size_t i = 0; i + run_ <= items.size(); ++i) {
    if (runs_.contains(hash_items(items.subspan(i, run_)))) return true;
  }
  return false;
}

bool CopyIndex::ends_with_run(std::span<const uint32_t> items) const {
  return items.size() >= run_ && runs_.contains(hash_items(items.last(run_)));
}

}  // namespace kairos
