#include "index/top_k.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace kairos {
namespace {

TEST(TopK, ReturnsBestFirstWithLowerIndexOnTies) {
  const std::vector<float> s = {-std::numeric_limits<float>::infinity(), 0.5f, 0.9f, 0.5f, 0.1f};
  const auto top = top_k(s, 3);
  ASSERT_EQ(top.size(), 3u);
  EXPECT_EQ(top[0].item, 2u);
  EXPECT_EQ(top[1].item, 1u);
  EXPECT_EQ(top[2].item, 3u);
}

TEST(TopK, SkipsExcludedAndMinusInfinity) {
  const float ninf = -std::numeric_limits<float>::infinity();
  const std::vector<float> s = {ninf, 0.5f, 0.9f, ninf, 0.1f};
  const std::vector<uint32_t> exclude = {2};
  const auto top = top_k(s, 10, exclude);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].item, 1u);
  EXPECT_EQ(top[1].item, 4u);
}

TEST(TopK, MatchesAFullSort) {
  std::vector<float> s(1000);
  for (size_t i = 0; i < s.size(); ++i) s[i] = std::sin(static_cast<float>(i) * 12.9898f);
  const auto top = top_k(s, 20);
  std::vector<uint32_t> idx(s.size());
  for (uint32_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::stable_sort(idx.begin(), idx.end(), [&](uint32_t a, uint32_t b) { return s[a] > s[b]; });
  for (size_t i = 0; i < 20; ++i) EXPECT_EQ(top[i].item, idx[i]);
}

}  // namespace
}  // namespace kairos
