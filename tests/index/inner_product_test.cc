#include "index/inner_product.h"

#include <limits>

#include "index/half.h"

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

// binary16 conversions against known encodings: normals, rounding to nearest even, subnormals,
// overflow, infinities and NaN; every half value survives half -> float -> half.
TEST(Half, ConvertsLikeIeeeBinary16) {
  EXPECT_EQ(float_to_half(0.0f), 0x0000);
  EXPECT_EQ(float_to_half(-0.0f), 0x8000);
  EXPECT_EQ(float_to_half(1.0f), 0x3c00);
  EXPECT_EQ(float_to_half(-2.0f), 0xc000);
  EXPECT_EQ(float_to_half(65504.0f), 0x7bff);
  EXPECT_EQ(float_to_half(65520.0f), 0x7c00);  // the tie above the largest half rounds up
  EXPECT_EQ(float_to_half(1e6f), 0x7c00);
  EXPECT_EQ(float_to_half(std::numeric_limits<float>::infinity()), 0x7c00);
  EXPECT_EQ(float_to_half(std::ldexp(1.0f, -24)), 0x0001);  // smallest subnormal
  EXPECT_EQ(float_to_half(std::ldexp(1.0f, -25)), 0x0000);  // tie to even: zero
  EXPECT_EQ(float_to_half(std::ldexp(1.5f, -25)), 0x0001);
  EXPECT_EQ(float_to_half(std::ldexp(1.0f, -14)), 0x0400);             // smallest normal
  EXPECT_EQ(float_to_half(1.0f + std::ldexp(1.0f, -11)), 0x3c00);      // tie to even: down
  EXPECT_EQ(float_to_half(1.0f + 3 * std::ldexp(1.0f, -11)), 0x3c02);  // tie to even: up
  EXPECT_TRUE(std::isnan(half_to_float(float_to_half(std::numeric_limits<float>::quiet_NaN()))));
  for (uint32_t h = 0; h < 0x10000; ++h) {
    const auto v = static_cast<uint16_t>(h);
    const float f = half_to_float(v);
    if (std::isnan(f)) continue;
    ASSERT_EQ(float_to_half(f), v) << h;
  }
  EXPECT_EQ(half_to_float(0x3555), 0.333251953125f);
  EXPECT_EQ(half_to_float(0x0001), std::ldexp(1.0f, -24));
}

TEST(InnerProductHalf, EqualsTheSumOverTheHalfValuesForEveryLength) {
  std::mt19937 rng(5);
  std::normal_distribution<float> normal;
  for (size_t n = 0; n <= 70; ++n) {
    std::vector<float> q(n);
    std::vector<uint16_t> v(n);
    double want = 0, scale = 0;
    for (size_t i = 0; i < n; ++i) {
      q[i] = normal(rng);
      v[i] = float_to_half(normal(rng));
      want += double{q[i]} * half_to_float(v[i]);
      scale += std::abs(q[i] * half_to_float(v[i]));
    }
    EXPECT_NEAR(inner_product_half(q.data(), v.data(), n), want, 1e-5 * (scale + 1)) << "n=" << n;
  }
}

}  // namespace
}  // namespace kairos
