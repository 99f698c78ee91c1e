#include "index/top_k.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

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

// The block scan skips 16 scores at a time against the heap's worst score: checked against a
// full sort on inputs with many ties (scores from a small set), NaN, -inf and excluded items,
// for sizes around the block width and k from 1 to more than the eligible items.
TEST(TopK, BlockScanMatchesAFullSortWithTiesNanAndExclusions) {
  std::mt19937 rng(7);
  const float ninf = -std::numeric_limits<float>::infinity();
  for (size_t n : {1u, 15u, 16u, 17u, 33u, 200u, 5000u}) {
    for (size_t k : {1u, 5u, 20u, 300u}) {
      std::vector<float> s(n);
      for (float& v : s) {
        const int r = static_cast<int>(rng() % 20);
        v = r == 0 ? std::nanf("") : r == 1 ? ninf : static_cast<float>(rng() % 7);
      }
      std::vector<uint32_t> exclude;
      for (size_t i = 0; i < n; i += 5) exclude.push_back(static_cast<uint32_t>(i));
      std::vector<uint32_t> idx;
      for (uint32_t i = 0; i < n; ++i) {
        if (!std::isnan(s[i]) && s[i] != ninf && i % 5 != 0) idx.push_back(i);
      }
      std::stable_sort(idx.begin(), idx.end(), [&](uint32_t a, uint32_t b) { return s[a] > s[b]; });
      idx.resize(std::min(idx.size(), k));
      const auto top = top_k(s, k, exclude);
      ASSERT_EQ(top.size(), idx.size()) << "n " << n << " k " << k;
      for (size_t i = 0; i < idx.size(); ++i) EXPECT_EQ(top[i].item, idx[i]) << "n " << n;
    }
  }
}

}  // namespace
}  // namespace kairos
