#include "index/inner_product.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace kairos {
namespace {

// Every length around the 16-lane blocks, against a double-precision loop.
TEST(InnerProduct, EqualsTheNaiveSumForEveryLength) {
  std::mt19937 rng(7);
  std::normal_distribution<float> normal;
  for (size_t n = 0; n <= 70; ++n) {
    std::vector<float> a(n), b(n);
    for (size_t i = 0; i < n; ++i) a[i] = normal(rng), b[i] = normal(rng);
    double want = 0, scale = 0;
    for (size_t i = 0; i < n; ++i) want += double{a[i]} * b[i], scale += std::abs(a[i] * b[i]);
    EXPECT_NEAR(inner_product(a.data(), b.data(), n), want, 1e-5 * (scale + 1)) << "n=" << n;
  }
}

TEST(InnerProduct, UsesEveryElementOnce) {
  std::vector<float> a(37, 1.0f), b(37);
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<float>(i + 1);
  EXPECT_FLOAT_EQ(inner_product(a.data(), b.data(), a.size()), 37.0f * 38.0f / 2.0f);
}

}  // namespace
}  // namespace kairos
