// Large per-event buffers backed by transparent huge pages.
//
// `prepare` fills columns of tens to hundreds of MiB. On the project's (virtualised) machine a
// page fault costs microseconds, and first-touching 4 KiB pages was ~15 % of `prepare`, plus the
// copies of vectors that grew by doubling (docs/BENCHMARKS.md). Reserving the final size once and
// advising the kernel to back the buffer with 2 MiB pages removes both: one fault per 2 MiB, no
// regrowth. The advice is only advice: where THP is disabled the buffers stay ordinary pages.
#pragma once

#include <cstddef>
#include <vector>

namespace kairos {

// madvise(MADV_HUGEPAGE) over the 2 MiB-aligned part of [data, data + bytes); does nothing for
// buffers under a few MiB. Errors are ignored (advice only).
void advise_huge_pages(const void* data, size_t bytes);

// Reserves capacity for `n` elements (no-op if there already is) and advises huge pages for the
// new buffer. Call it before filling the vector: pages already touched keep their size.
template <typename T>
void reserve_huge(std::vector<T>* v, size_t n) {
  if (v->capacity() >= n) return;
  v->reserve(n);
  advise_huge_pages(v->data(), v->capacity() * sizeof(T));
}

}  // namespace kairos
