#include "features/prefix_examples.h"

#include <gtest/gtest.h>

namespace kairos {
namespace {

Dataset sessions_of_lengths(const std::vector<int>& lengths) {
  DatasetParts p;
  p.item_names = {"", "a"};
  p.category_names = {""};
  p.item_category = {0, 0};
  for (int n : lengths) {
    for (int i = 0; i < n; ++i) {
      p.items.push_back(1);
      p.types.push_back(0);
      p.ts.push_back(i);
    }
    p.offsets.push_back(p.items.size());
    p.users.push_back(0);
  }
  p.num_train = lengths.size();
  return Dataset::from_parts(std::move(p));
}

TEST(PrefixExamples, AllPrefixesOfEverySession) {
  const Dataset d = sessions_of_lengths({1, 2, 4});
  const auto ex = prefix_examples(d.train(), 1, false);
  // length 1: none; length 2: 1; length 4: 3.
  ASSERT_EQ(ex.size(), 4u);
  EXPECT_EQ(ex[0].session, 1u);
  EXPECT_EQ(ex[0].length, 1u);
  EXPECT_EQ(ex[3].length, 3u);
}

TEST(PrefixExamples, MinimumPrefixAndLastOnly) {
  const Dataset d = sessions_of_lengths({2, 4, 5});
  EXPECT_EQ(prefix_examples(d.train(), 2, false).size(), 2u + 3u);
  const auto last = prefix_examples(d.train(), 1, true);
  ASSERT_EQ(last.size(), 3u);
  EXPECT_EQ(last[2].length, 4u);
}

}  // namespace
}  // namespace kairos
