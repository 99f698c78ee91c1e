#include "features/session_flags.h"

#include <gtest/gtest.h>

#include "core/event_type.h"

namespace kairos {
namespace {

constexpr uint8_t kView = static_cast<uint8_t>(EventType::kView);
constexpr uint8_t kCart = static_cast<uint8_t>(EventType::kCart);

using Flags = std::array<float, SessionFlags::kCount>;

TEST(SessionFlags, SeeOnlyTheEventsBeforeTheCurrentOne) {
  SessionFlags f;
  EXPECT_EQ(f.of(7, 1), (Flags{0, 0, 0}));  // the first event: nothing before it
  f.add(7, 1, kView);
  EXPECT_EQ(f.of(7, 1), (Flags{1, 0, 1}));  // a re-view in the same category
  EXPECT_EQ(f.of(8, 2), (Flags{0, 0, 0}));
  f.add(8, 2, kCart);
  EXPECT_EQ(f.of(8, 2), (Flags{1, 1, 1}));  // the carted item again
  EXPECT_EQ(f.of(7, 1), (Flags{1, 0, 0}));  // seen, never carted, category left
  f.add(9, 1, kView);
  EXPECT_EQ(f.of(8, 1), (Flags{1, 1, 1}));  // the category is the previous event's, not the item's
}

TEST(SessionFlags, RemembersTheLastItemsOnly) {
  SessionFlags f;
  for (uint32_t i = 0; i <= SessionFlags::kMaxItems; ++i) f.add(100 + i, 1, kCart);
  EXPECT_EQ(f.of(100, 1)[0], 0.0f);  // the oldest fell out of both memories
  EXPECT_EQ(f.of(100, 1)[1], 0.0f);
  EXPECT_EQ(f.of(101, 1)[1], 1.0f);
  f.add(101, 1, kView);  // a re-view does not store the item twice
  EXPECT_LT(f.bytes(), sizeof(SessionFlags) + 4 * 2 * 2 * SessionFlags::kMaxItems);
}

}  // namespace
}  // namespace kairos
