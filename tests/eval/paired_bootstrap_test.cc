#include "eval/paired_bootstrap.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "core/rng.h"
#include "eval/classification/binary_metrics.h"

namespace kairos::eval {
namespace {

// n cases; y ~ Bernoulli(0.4); `good` sees y through noise, `weak` through more noise.
struct Cases {
  std::vector<double> good, weak;
  std::vector<int> y;
};

Cases make_cases(size_t n, uint64_t seed) {
  Rng rng(seed);
  Cases c;
  for (size_t i = 0; i < n; ++i) {
    const int y = rng.bernoulli(0.4) ? 1 : 0;
    c.y.push_back(y);
    // Probabilities (roc_auc checks them): the logistic of the noisy signal.
    c.good.push_back(1 / (1 + std::exp(-(y + rng.normal()))));
    c.weak.push_back(1 / (1 + std::exp(-(y + 2.0 * rng.normal()))));
  }
  return c;
}

std::vector<uint32_t> one_per_case(size_t n) {
  std::vector<uint32_t> c(n);
  for (size_t i = 0; i < n; ++i) c[i] = static_cast<uint32_t>(i);
  return c;
}

TEST(PairedBootstrap, TheDifferenceOfTheModelsRocAucs) {
  const Cases c = make_cases(3000, 1);
  const auto d = paired_auc_difference(c.good, c.weak, c.y, one_per_case(3000), 200, 7);
  EXPECT_NEAR(d.value, roc_auc(c.good, c.y) - roc_auc(c.weak, c.y), 1e-12);
  EXPECT_EQ(d.resamples, 200u);
  EXPECT_GT(d.low, 0.0);  // the better model wins in every plausible resample
  EXPECT_LT(d.low, d.value);
  EXPECT_GT(d.high, d.value);
  // A model against itself: exactly zero, in every resample.
  const auto same = paired_auc_difference(c.good, c.good, c.y, one_per_case(3000), 50, 7);
  EXPECT_EQ(same.value, 0.0);
  EXPECT_EQ(same.low, 0.0);
  EXPECT_EQ(same.high, 0.0);
}

TEST(PairedBootstrap, ResamplesWholeSessions) {
  // Each session's cases are ten copies of one case: there are 300 independent cases, not 3000,
  // and the interval must say so (about sqrt(10) wider than resampling the copies one by one).
  const Cases base = make_cases(300, 2);
  Cases c;
  std::vector<uint32_t> session;
  for (size_t i = 0; i < 300; ++i) {
    for (int k = 0; k < 10; ++k) {
      c.good.push_back(base.good[i]);
      c.weak.push_back(base.weak[i]);
      c.y.push_back(base.y[i]);
      session.push_back(static_cast<uint32_t>(1000 + 7 * i));  // any ids
    }
  }
  const auto by_session = paired_auc_difference(c.good, c.weak, c.y, session, 400, 3);
  const auto by_case = paired_auc_difference(c.good, c.weak, c.y, one_per_case(3000), 400, 3);
  EXPECT_DOUBLE_EQ(by_session.value, by_case.value);
  EXPECT_GT(by_session.high - by_session.low, 2.0 * (by_case.high - by_case.low));
  const std::vector<double> la(c.y.size(), 1.0), lb(c.y.size(), 0.5);
  const auto m = paired_mean_difference(la, lb, session, 100, 3);
  EXPECT_DOUBLE_EQ(m.value, 0.5);
  EXPECT_DOUBLE_EQ(m.low, 0.5);
}

TEST(PairedBootstrap, NoResamplesNoInterval) {
  const Cases c = make_cases(100, 4);
  const auto d = paired_auc_difference(c.good, c.weak, c.y, one_per_case(100), 0, 1);
  EXPECT_EQ(d.resamples, 0u);
  EXPECT_TRUE(std::isnan(d.low));
  // One class only: no ROC-AUC.
  const std::vector<int> ones(100, 1);
  EXPECT_TRUE(
      std::isnan(paired_auc_difference(c.good, c.weak, ones, one_per_case(100), 10, 1).value));
  EXPECT_THROW(paired_auc_difference(c.good, c.weak, ones, {1, 2}, 10, 1), Error);
}

}  // namespace
}  // namespace kairos::eval
