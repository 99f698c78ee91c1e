// The heap statistics behind /metrics follow live allocations (whichever allocator runs the test).
#include "serve/heap_stats.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <vector>

namespace kairos {
namespace {

TEST(HeapStats, InUseFollowsLiveAllocations) {
  const HeapStats before = heap_stats();
  ASSERT_NE(before.allocator, "unknown");
  std::vector<void*> blocks;
  for (int i = 0; i < 64; ++i) {
    blocks.push_back(std::malloc(1 << 20));
    std::memset(blocks.back(), 1, 1 << 20);  // touched, so resident too
  }
  const HeapStats during = heap_stats();
  EXPECT_GE(during.in_use, before.in_use + (60u << 20));
  EXPECT_GE(during.held, during.in_use);
  for (void* b : blocks) std::free(b);
  EXPECT_LE(heap_stats().in_use, during.in_use - (60u << 20));
}

}  // namespace
}  // namespace kairos
