// BG/NBD: the log-likelihood against its direct formula, maximum likelihood recovering the
// parameters of a simulated population, and the closed-form predictions against simulation.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/rng.h"
#include "models/customers/bgnbd.h"
#include "models/gamma_sample.h"

namespace kairos {
namespace {

const BgNbdParams kTrue{0.243, 4.414, 0.793, 2.426};  // FHL 2005's CDNOW estimates (weeks)

double beta_fn(double a, double b) {
  return std::exp(std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b));
}

TEST(BgNbd, LogLikelihoodMatchesTheDirectFormula) {
  const BgNbdParams p = kTrue;
  for (const auto& [x, tx, T] : std::vector<std::tuple<double, double, double>>{
           {0, 0, 38.86}, {2, 30.43, 38.86}, {7, 29.43, 38.86}, {1, 1.71, 32.0}}) {
    const double g = std::tgamma(p.r + x) * std::pow(p.alpha, p.r) / std::tgamma(p.r);
    double l = beta_fn(p.a, p.b + x) / beta_fn(p.a, p.b) * g / std::pow(p.alpha + T, p.r + x);
    if (x > 0) {
      l += beta_fn(p.a + 1, p.b + x - 1) / beta_fn(p.a, p.b) * g / std::pow(p.alpha + tx, p.r + x);
    }
    EXPECT_NEAR(bgnbd_log_likelihood(p, x, tx, T), std::log(l), 1e-10) << x;
  }
  // Hardie's overflow case: a heavy buyer stays finite in log space.
  EXPECT_TRUE(std::isfinite(bgnbd_log_likelihood(p, 400, 38.0, 39.0)));
}

TEST(BgNbd, Hypergeometric2F1MatchesClosedForms) {
  // 2F1(1, 1; 2; z) = -ln(1 - z) / z;  2F1(a, b; b; z) = (1 - z)^-a.
  for (double z : {0.1, 0.5, 0.9}) {
    EXPECT_NEAR(hyp2f1(1, 1, 2, z), -std::log1p(-z) / z, 1e-10);
    EXPECT_NEAR(hyp2f1(0.7, 2.5, 2.5, z), std::pow(1 - z, -0.7), 1e-10);
  }
}

// A population simulated from the model: rates, drop-out probabilities, purchases in a
// calibration period of T weeks and in a holdout of `holdout` weeks.
struct Simulated {
  std::vector<double> x, tx, T, holdout_count;
};

Simulated simulate(const BgNbdParams& p, size_t n, double T, double holdout, uint64_t seed) {
  Rng rng(seed);
  Simulated s;
  auto gamma = [&](double shape, double rate) { return test::gamma_sample(rng, shape, rate); };
  for (size_t i = 0; i < n; ++i) {
    const double lambda = gamma(p.r, p.alpha);
    const double ga = gamma(p.a, 1), gb = gamma(p.b, 1);
    const double drop = ga / (ga + gb);
    double t = 0, last = 0;
    int x = 0, later = 0;
    bool alive = true;
    while (alive) {
      t += rng.exponential(1 / lambda);
      if (t > T + holdout) break;
      if (t <= T) {
        ++x;
        last = t;
      } else {
        ++later;
      }
      alive = !rng.bernoulli(drop);
    }
    s.x.push_back(x);
    s.tx.push_back(last);
    s.T.push_back(T);
    s.holdout_count.push_back(later);
  }
  return s;
}

TEST(BgNbd, MaximumLikelihoodRecoversSimulatedParameters) {
  const Simulated s = simulate(kTrue, 20000, 39, 39, 7);
  const BgNbdFit fit = fit_bgnbd(s.x, s.tx, s.T);
  EXPECT_NEAR(fit.params.r, kTrue.r, 0.03);
  EXPECT_NEAR(fit.params.alpha, kTrue.alpha, 0.8);
  EXPECT_NEAR(fit.params.a, kTrue.a, 0.25);
  EXPECT_NEAR(fit.params.b, kTrue.b, 1.0);
  // The optimum is at least as likely as the truth.
  double ll_true = 0;
  for (size_t i = 0; i < s.x.size(); ++i)
    ll_true += bgnbd_log_likelihood(kTrue, s.x[i], s.tx[i], s.T[i]);
  EXPECT_GE(fit.log_likelihood, ll_true - 1e-6);
}

TEST(BgNbd, PredictionsAgreeWithSimulatedHoldout) {
  const Simulated s = simulate(kTrue, 40000, 39, 39, 11);
  double expected = 0, actual = 0, p_any = 0, any = 0;
  for (size_t i = 0; i < s.x.size(); ++i) {
    expected += bgnbd_conditional_expected(kTrue, s.x[i], s.tx[i], s.T[i], 39);
    p_any += bgnbd_p_return(kTrue, s.x[i], s.tx[i], s.T[i], 39);
    actual += s.holdout_count[i];
    any += s.holdout_count[i] > 0;
  }
  EXPECT_NEAR(expected / actual, 1.0, 0.05) << expected << " vs " << actual;
  EXPECT_NEAR(p_any / any, 1.0, 0.04) << p_any << " vs " << any;
  // Unconditional: E[X(39)] against the calibration purchases of the population.
  double cal = 0;
  for (double x : s.x) cal += x;
  EXPECT_NEAR(bgnbd_expected(kTrue, 39) * s.x.size() / cal, 1.0, 0.05);
}

TEST(BgNbd, PAliveRules) {
  EXPECT_DOUBLE_EQ(bgnbd_p_alive(kTrue, 0, 0, 39), 1.0);  // never bought again: cannot have died
  // Same frequency, a longer silence since the last purchase: less likely alive.
  EXPECT_GT(bgnbd_p_alive(kTrue, 3, 35, 39), bgnbd_p_alive(kTrue, 3, 10, 39));
}

}  // namespace
}  // namespace kairos
