#include "core/id_map.h"

namespace kairos {
namespace {

inline size_t mix(uint64_t v) {
  v ^= v >> 33;
  v *= 0xff51afd7ed558ccdULL;
  v ^= v >> 33;
  return static_cast<size_t>(v);
}

}  // namespace

bool parse_canonical_u64(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 19 || (s.size() > 1 && s[0] == '0')) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  *out = v;
  return true;
}

IdMap::IdMap() : slots_(1024, {0, 0}) {}

uint32_t IdMap::find_numeric(uint64_t v) const {
  const size_t mask = slots_.size() - 1;
  for (size_t i = mix(v) & mask;; i = (i + 1) & mask) {
    const auto& slot = slots_[i];
    if (slot.second == 0) return kMissing;
    if (slot.first == v) return slot.second - 1;
  }
}

void IdMap::grow_numeric() {
  std::vector<std::pair<uint64_t, uint32_t>> old(slots_.size() * 2, {0, 0});
  old.swap(slots_);
  const size_t mask = slots_.size() - 1;
  for (const auto& slot : old) {
    if (slot.second == 0) continue;
    size_t i = mix(slot.first) & mask;
    while (slots_[i].second != 0) i = (i + 1) & mask;
    slots_[i] = slot;
  }
}

uint32_t IdMap::intern(std::string_view key) {
  uint64_t v;
  if (parse_canonical_u64(key, &v)) return intern_numeric(v);
  return intern_string(key);
}

uint32_t IdMap::intern_numeric(uint64_t v) {
  if ((numeric_count_ + 1) * 2 > slots_.size()) grow_numeric();
  const size_t mask = slots_.size() - 1;
  size_t i = mix(v) & mask;
  for (;; i = (i + 1) & mask) {
    if (slots_[i].second == 0) break;
    if (slots_[i].first == v) return slots_[i].second - 1;
  }
  const auto id = static_cast<uint32_t>(kinds_.size());
  slots_[i] = {v, id + 1};
  ++numeric_count_;
  kinds_.push_back(0);
  payload_.push_back(v);
  return id;
}

uint32_t IdMap::intern_string(std::string_view key) {
  auto it = strings_.find(key);
  if (it != strings_.end()) return it->second;
  const auto id = static_cast<uint32_t>(kinds_.size());
  strings_.emplace(std::string(key), id);
  kinds_.push_back(1);
  payload_.push_back(string_names_.size());
  string_names_.emplace_back(key);
  return id;
}

std::vector<uint32_t> IdMap::absorb(const IdMap& other) {
  std::vector<uint32_t> to_this(other.size());
  for (uint32_t id = 0; id < other.size(); ++id) {
    to_this[id] = other.kinds_[id] == 0 ? intern_numeric(other.payload_[id])
                                        : intern_string(other.string_names_[other.payload_[id]]);
  }
  return to_this;
}

uint32_t IdMap::find(std::string_view key) const {
  uint64_t v;
  if (parse_canonical_u64(key, &v)) return find_numeric(v);
  auto it = strings_.find(key);
  return it == strings_.end() ? kMissing : it->second;
}

std::string IdMap::name(uint32_t id) const {
  if (kinds_[id] == 0) return std::to_string(payload_[id]);
  return string_names_[payload_[id]];
}

}  // namespace kairos
