#include <gtest/gtest.h>

#include "data/filters.h"

namespace kairos {
namespace {

SessionTable table_of(const std::vector<std::vector<uint32_t>>& sessions) {
  SessionTable t;
  int64_t ts = 0;
  for (const auto& s : sessions) {
    for (uint32_t item : s) {
      t.item.push_back(item);
      t.type.push_back(0);
      t.ts.push_back(ts++);
    }
    t.add_session_end(0, 0);
  }
  return t;
}

std::vector<std::vector<uint32_t>> sessions_of(const SessionTable& t) {
  std::vector<std::vector<uint32_t>> out;
  for (size_t s = 0; s < t.num_sessions(); ++s) {
    out.emplace_back(t.item.begin() + t.offsets[s], t.item.begin() + t.offsets[s + 1]);
  }
  return out;
}

TEST(Filters, RemovesConsecutiveDuplicatesOnly) {
  SessionTable t = table_of({{1, 1, 2, 1, 1}, {3, 3}});
  const FilterCounts c = remove_consecutive_duplicates(&t);
  EXPECT_EQ(sessions_of(t), (std::vector<std::vector<uint32_t>>{{1, 2, 1}, {3}}));
  EXPECT_EQ(c.events_removed, 3u);
  EXPECT_EQ(c.sessions_removed, 0u);
}

TEST(Filters, IteratesUntilStable) {
  // Item 9 has support 1 -> removed; that leaves session {9, 1} with length 1 -> removed; then
  // item 1 falls to support 1 -> removed from {1, 2, 2}, leaving {2, 2}.
  SessionTable t = table_of({{9, 1}, {1, 2, 2}, {2, 3, 3}});
  const auto report = filter_support_and_length(&t, /*min_item_support=*/2,
                                                /*min_session_length=*/2, /*num_items=*/10);
  EXPECT_EQ(sessions_of(t), (std::vector<std::vector<uint32_t>>{{2, 2}, {2, 3, 3}}));
  EXPECT_GE(report.rounds.size(), 2u);
  EXPECT_EQ(report.total.events_removed, 3u);
  EXPECT_EQ(report.total.sessions_removed, 1u);
}

TEST(Filters, ZeroMinimumsChangeNothing) {
  SessionTable t = table_of({{1}, {2, 3}});
  const auto report = filter_support_and_length(&t, 0, 0, 4);
  EXPECT_EQ(t.num_sessions(), 2u);
  EXPECT_TRUE(report.rounds.empty());
}

TEST(Filters, ResultSatisfiesBothMinimums) {
  SessionTable t = table_of({{1, 2, 3}, {1, 2}, {4, 1}, {5}, {2, 3, 1, 6}, {3, 1}});
  filter_support_and_length(&t, 3, 2, 7);
  std::vector<int> support(7);
  for (uint32_t i : t.item) ++support[i];
  for (size_t s = 0; s < t.num_sessions(); ++s) EXPECT_GE(t.length(s), 2u);
  for (uint32_t i : t.item) EXPECT_GE(support[i], 3);
}

}  // namespace
}  // namespace kairos
