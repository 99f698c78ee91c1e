#include "core/huge_pages.h"

#include <sys/mman.h>

#include <cstdint>

namespace kairos {
namespace {

constexpr uintptr_t kHugePage = uintptr_t{2} << 20;  // x86-64 / arm64 (4 KiB base) THP size
constexpr size_t kMinAdvisedBytes = 4 << 20;         // below this, ordinary pages do fine

}  // namespace

void advise_huge_pages(const void* data, size_t bytes) {
#ifdef MADV_HUGEPAGE
  if (data == nullptr || bytes < kMinAdvisedBytes) return;
  const auto begin = reinterpret_cast<uintptr_t>(data);
  const uintptr_t first = (begin + kHugePage - 1) & ~(kHugePage - 1);
  const uintptr_t last = (begin + bytes) & ~(kHugePage - 1);
  if (last <= first) return;
  ::madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
#else
  (void)data;
  (void)bytes;
#endif
}

}  // namespace kairos
