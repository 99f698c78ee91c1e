// The allocator's own count of the heap, for /metrics: bytes in live allocations and bytes it
// holds from the OS. RSS that grows while `in_use` is flat is fragmentation; with it, live growth.
//
// The `kairos` executable is linked with jemalloc (src/cli/CMakeLists.txt): under LRU churn of
// sessions of every size, glibc's malloc kept growing (+14 % RSS over a 10-minute soak after the
// session store filled, its in-use bytes flat and its free bytes rising; docs/BENCHMARKS.md), and
// jemalloc stays flat. The counts come from jemalloc's mallctl when it is the allocator (looked
// up at run time, so libraries and tests linked without it still build) and from glibc's
// mallinfo2 otherwise.
#pragma once

#include <cstddef>
#include <string>

namespace kairos {

struct HeapStats {
  std::string allocator;  // "jemalloc", "glibc" or "unknown"
  size_t in_use = 0;      // bytes in live allocations
  size_t held = 0;        // bytes the allocator holds (in use + free or dirty pages it keeps)
};

HeapStats heap_stats();

}  // namespace kairos
