#include "serve/heap_stats.h"

#include <cstdint>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "core/mallctl.h"

namespace kairos {

HeapStats heap_stats() {
  HeapStats s;
  if (const Mallctl mallctl = jemalloc_mallctl()) {
    uint64_t epoch = 1;
    size_t len = sizeof epoch;
    mallctl("epoch", &epoch, &len, &epoch, len);  // refreshes the cached statistics
    size_t allocated = 0, resident = 0;
    len = sizeof(size_t);
    const bool ok = mallctl("stats.allocated", &allocated, &len, nullptr, 0) == 0 &&
                    mallctl("stats.resident", &resident, &len, nullptr, 0) == 0;
    if (ok) return {"jemalloc", allocated, resident};
  }
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
  const struct mallinfo2 m = mallinfo2();
  s.allocator = "glibc";
  s.in_use = m.uordblks + m.hblkhd;
  s.held = s.in_use + m.fordblks;
#else
  s.allocator = "unknown";
#endif
  return s;
}

}  // namespace kairos
