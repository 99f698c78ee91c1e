#include "features/item_neighbours.h"

#include <gtest/gtest.h>

#include "data/test_util.h"

namespace kairos {
namespace {

Dataset sessions(const std::vector<std::vector<uint32_t>>& list, size_t train) {
  test::SessionsBuilder b(9);
  for (const auto& s : list) {
    for (uint32_t item : s) b.add(item);
    b.end_session();
  }
  return b.build(train, 0, list.size() - train);
}

std::vector<uint32_t> row(const std::vector<uint32_t>& v, uint32_t item, uint32_t k) {
  return {v.begin() + item * k, v.begin() + (item + 1) * k};
}

TEST(ItemNeighbours, CountsPairsWithinTheWindowBothWays) {
  // Window 2: in [1 2 3 4], 1 meets 2 and 3; 2 meets 1, 3, 4. [1 2] adds (1, 2) again.
  const Dataset d = sessions({{1, 2, 3, 4}, {1, 2}}, 2);
  const ItemNeighbours n = item_neighbours(d.train(), d.num_items(), 2, 3);
  EXPECT_EQ(row(n.ids, 1, 3), (std::vector<uint32_t>{2, 3, 0}));
  EXPECT_EQ(row(n.counts, 1, 3), (std::vector<uint32_t>{2, 1, 0}));
  EXPECT_EQ(row(n.ids, 2, 3), (std::vector<uint32_t>{1, 3, 4}));  // count 2, then ties by id
  EXPECT_EQ(row(n.counts, 2, 3), (std::vector<uint32_t>{2, 1, 1}));
  EXPECT_EQ(row(n.ids, 4, 3), (std::vector<uint32_t>{2, 3, 0}));  // 1 is three positions away
  EXPECT_EQ(row(n.ids, 5, 3), (std::vector<uint32_t>{0, 0, 0}));
}

TEST(ItemNeighbours, KeepsTheMostFrequentAndSkipsSelfAndHeldOutSessions) {
  // 5 follows 6 three times, 7 once, 5 itself once; the test session [5 8] is not read.
  const Dataset d = sessions({{6, 5, 5}, {6, 5}, {6, 5}, {7, 5}, {5, 8}}, 4);
  const ItemNeighbours n = item_neighbours(d.train(), d.num_items(), 1, 1);
  EXPECT_EQ(row(n.ids, 5, 1), (std::vector<uint32_t>{6}));
  EXPECT_EQ(row(n.counts, 5, 1), (std::vector<uint32_t>{3}));
  EXPECT_EQ(row(n.ids, 8, 1), (std::vector<uint32_t>{0}));
}

}  // namespace
}  // namespace kairos
