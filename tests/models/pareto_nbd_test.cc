// Pareto/NBD: the closed-form log-likelihood against the model's defining integral over the
// customer's purchase and drop-out rates (both hypergeometric branches), predictions against
// BTYD's CDNOW walkthrough, the window-return identity checked on BG/NBD's closed form, and
// maximum likelihood recovering a simulated population's parameters.
#include <gtest/gtest.h>

#include <boost/math/quadrature/exp_sinh.hpp>
#include <cmath>
#include <tuple>
#include <vector>

#include "core/rng.h"
#include "models/customers/bgnbd.h"
#include "models/customers/pareto_nbd.h"
#include "models/gamma_sample.h"

namespace kairos {
namespace {

// BTYD 2.4.3's walkthrough fit on the CDNOW sample (weeks), as printed (3 decimals).
const ParetoNbdParams kCdnow{0.553, 10.58, 0.606, 11.656};

double gamma_pdf(double v, double shape, double rate) {
  return std::exp(shape * std::log(rate) + (shape - 1) * std::log(v) - rate * v -
                  std::lgamma(shape));
}

// L = E over lambda ~ Gamma(r, alpha), mu ~ Gamma(s, beta) of the individual likelihood
// lambda^x e^{-(lambda+mu)T} + lambda^x mu / (lambda+mu) (e^{-(lambda+mu)t_x} - e^{-(lambda+mu)T}).
double integrated_likelihood(const ParetoNbdParams& p, double x, double tx, double T) {
  boost::math::quadrature::exp_sinh<double> outer, inner;
  return outer.integrate([&](double lambda) {
    const double pl = gamma_pdf(lambda, p.r, p.alpha) * std::pow(lambda, x);
    if (pl == 0 || !std::isfinite(pl)) return 0.0;
    return pl * inner.integrate([&](double mu) {
      const double k = lambda + mu;
      const double l = std::exp(-k * T) + mu / k * (std::exp(-k * tx) - std::exp(-k * T));
      return gamma_pdf(mu, p.s, p.beta) * l;
    });
  });
}

TEST(ParetoNbd, LogLikelihoodMatchesTheDefiningIntegral) {
  const ParetoNbdParams beta_big{1.2, 3.0, 1.5, 8.0};  // alpha < beta: the other 2F1 branch
  for (const ParetoNbdParams& p : {ParetoNbdParams{1.2, 8.0, 1.5, 3.0}, beta_big}) {
    for (const auto& [x, tx, T] : std::vector<std::tuple<double, double, double>>{
             {0, 0, 30.0}, {1, 4.0, 30.0}, {3, 20.5, 38.0}, {6, 37.0, 38.0}}) {
      EXPECT_NEAR(pareto_nbd_log_likelihood(p, x, tx, T),
                  std::log(integrated_likelihood(p, x, tx, T)), 1e-6)
          << "alpha " << p.alpha << " x " << x;
    }
  }
}

TEST(ParetoNbd, PredictionsMatchBtydsCdnowWalkthrough) {
  // pnbd.Expectation(params, t = 52) = 1.473434.
  EXPECT_NEAR(pareto_nbd_expected(kCdnow, 52), 1.473434, 2e-3);
  // Customer 1516 (x 26, t.x 30.857143, T.cal 31): conditional expectation 25.45647 over the
  // next 52 weeks, P(alive) 0.997874.
  EXPECT_NEAR(pareto_nbd_conditional_expected(kCdnow, 26, 30.857143, 31, 52), 25.45647, 0.03);
  EXPECT_NEAR(pareto_nbd_p_alive(kCdnow, 26, 30.857143, 31), 0.997874, 2e-4);
  // The "increasing frequency paradox": t.x 20, T.cal 39, 52 weeks ahead.
  const std::vector<std::pair<double, double>> paradox = {
      {10, 0.7062289}, {15, 0.1442396}, {20, 0.02250658}, {25, 0.003092673}};
  for (const auto& [x, expected] : paradox) {
    EXPECT_NEAR(pareto_nbd_conditional_expected(kCdnow, x, 20, 39, 52) / expected, 1.0, 0.02) << x;
  }
  // A customer without repeat purchases is less likely alive the longer they have been silent.
  EXPECT_LT(pareto_nbd_p_alive(kCdnow, 0, 0, 39), pareto_nbd_p_alive(kCdnow, 0, 0, 20));
  EXPECT_GT(pareto_nbd_p_alive(kCdnow, 0, 0, 39), 0.0);
}

// P(a purchase in (T, T + t]) = 1 - L(T + t) / L(T) (the history extended with nothing new):
// BG/NBD's own closed form obeys it, and Pareto/NBD's is bounded by 0 and P(alive).
TEST(ParetoNbd, WindowReturnIsTheLikelihoodRatio) {
  const BgNbdParams b{0.243, 4.414, 0.793, 2.426};
  for (const auto& [x, tx, T] : std::vector<std::tuple<double, double, double>>{
           {0, 0, 30.0}, {2, 12.0, 38.0}, {7, 36.0, 38.0}}) {
    const double ratio =
        std::exp(bgnbd_log_likelihood(b, x, tx, T + 13) - bgnbd_log_likelihood(b, x, tx, T));
    EXPECT_NEAR(bgnbd_p_return(b, x, tx, T, 13), 1 - ratio, 1e-10);
    const double p = pareto_nbd_p_return(kCdnow, x, tx, T, 13);
    EXPECT_GT(p, 0);
    EXPECT_LT(p, pareto_nbd_p_alive(kCdnow, x, tx, T));
    EXPECT_LT(p, pareto_nbd_p_return(kCdnow, x, tx, T, 26));  // a longer window, more returns
  }
}

TEST(ParetoNbd, MaximumLikelihoodRecoversASimulatedPopulation) {
  const ParetoNbdParams truth{0.8, 6.0, 0.7, 10.0};
  Rng rng(11);
  auto gamma = [&](double shape, double rate) { return test::gamma_sample(rng, shape, rate); };
  std::vector<double> x, tx, T;
  auto day = [](double weeks) { return std::round(weeks * 7) / 7; };  // times as whole days
  for (int i = 0; i < 1500; ++i) {
    const double lambda = gamma(truth.r, truth.alpha), mu = gamma(truth.s, truth.beta);
    const double age = 39.0 - 12.0 * rng.uniform();  // first purchases spread over 12 weeks
    const double death = -std::log(1 - rng.uniform()) / mu;
    const double end = std::min(age, death);
    double t = 0, last = 0, n = 0;
    for (;;) {
      t += -std::log(1 - rng.uniform()) / lambda;
      if (t > end) break;
      last = t;
      ++n;
    }
    x.push_back(n);
    tx.push_back(day(last));
    T.push_back(day(age));
  }
  const ParetoNbdFit fit = fit_pareto_nbd(x, tx, T);
  // The rate distribution's mean r / alpha and the drop-out's s / beta are what the data pin
  // down; each is recovered within 20 %.
  EXPECT_NEAR(fit.params.r / fit.params.alpha / (truth.r / truth.alpha), 1.0, 0.2);
  EXPECT_NEAR(fit.params.s / fit.params.beta / (truth.s / truth.beta), 1.0, 0.2);
  double ll_truth = 0;
  for (size_t i = 0; i < x.size(); ++i)
    ll_truth += pareto_nbd_log_likelihood(truth, x[i], tx[i], T[i]);
  EXPECT_GE(fit.log_likelihood, ll_truth - 1e-6);  // the optimum is at least as likely as the truth
}

}  // namespace
}  // namespace kairos
