#include "models/customers/pareto_nbd.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "models/customers/bgnbd.h"  // hyp2f1
#include "models/customers/likelihood_fit.h"

namespace kairos {
namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

// ln(e^a + e^b).
double log_add(double a, double b) {
  if (a == kNegInf) return b;
  if (b == kNegInf) return a;
  const double hi = std::max(a, b);
  return hi + std::log(std::exp(a - hi) + std::exp(b - hi));
}

// ln A0 of FHL's eq. 22: A0 = F(t_x) - F(T) with F(t) = 2F1(r+s+x, b1; r+s+x+1; z(t)) /
// (m + t)^(r+s+x), where (m, b1, z) = (alpha, s+1, (alpha-beta)/(alpha+t)) for alpha >= beta
// and (beta, r+x, (beta-alpha)/(beta+t)) otherwise. -inf when A0 = 0 (t_x = T).
double log_a0(const ParetoNbdParams& p, double x, double t_x, double T) {
  const double a1 = p.r + p.s + x, c1 = a1 + 1;
  const bool alpha_big = p.alpha >= p.beta;
  const double m = alpha_big ? p.alpha : p.beta;
  const double b1 = alpha_big ? p.s + 1 : p.r + x;
  const double d = std::abs(p.alpha - p.beta);
  auto log_f = [&](double t) {
    return std::log(hyp2f1(a1, b1, c1, d / (m + t))) - a1 * std::log(m + t);
  };
  if (t_x >= T) return kNegInf;
  const double hi = log_f(t_x), lo = log_f(T);
  if (!(lo < hi)) return kNegInf;
  return hi + std::log1p(-std::exp(lo - hi));
}

// ln of the "alive throughout" term, 1 / ((alpha+T)^(r+x) (beta+T)^s).
double log_alive_term(const ParetoNbdParams& p, double x, double T) {
  return -(p.r + x) * std::log(p.alpha + T) - p.s * std::log(p.beta + T);
}

// (1 - (b / (b + t))^(s-1)) / (s - 1), with its limit ln((b + t) / b) at s = 1.
double survival_factor(double s, double b, double t) {
  if (std::abs(s - 1) < 1e-8) return std::log((b + t) / b);
  return -std::expm1((s - 1) * std::log(b / (b + t))) / (s - 1);
}

}  // namespace

double pareto_nbd_log_likelihood(const ParetoNbdParams& p, double x, double t_x, double T) {
  const double common =
      std::lgamma(p.r + x) - std::lgamma(p.r) + p.r * std::log(p.alpha) + p.s * std::log(p.beta);
  const double died = std::log(p.s / (p.r + p.s + x)) + log_a0(p, x, t_x, T);
  return common + log_add(log_alive_term(p, x, T), died);
}

ParetoNbdFit fit_pareto_nbd(std::span<const double> x, std::span<const double> t_x,
                            std::span<const double> T, ParetoNbdParams start) {
  const LikelihoodFit f =
      fit_by_likelihood("Pareto/NBD",
                        [](const FourParams& p, double cx, double ct, double cT) {
                          return pareto_nbd_log_likelihood({p[0], p[1], p[2], p[3]}, cx, ct, cT);
                        },
                        x, t_x, T, {start.r, start.alpha, start.s, start.beta});
  return {{f.params[0], f.params[1], f.params[2], f.params[3]}, f.log_likelihood, f.evaluations};
}

double pareto_nbd_p_alive(const ParetoNbdParams& p, double x, double t_x, double T) {
  const double log_odds =
      std::log(p.s / (p.r + p.s + x)) + log_a0(p, x, t_x, T) - log_alive_term(p, x, T);
  return 1.0 / (1.0 + std::exp(log_odds));
}

double pareto_nbd_expected(const ParetoNbdParams& p, double t) {
  if (t <= 0) return 0;
  return p.r * p.beta / p.alpha * survival_factor(p.s, p.beta, t);
}

double pareto_nbd_conditional_expected(const ParetoNbdParams& p, double x, double t_x, double T,
                                       double t) {
  if (t <= 0) return 0;
  return (p.r + x) * (p.beta + T) / (p.alpha + T) * survival_factor(p.s, p.beta + T, t) *
         pareto_nbd_p_alive(p, x, t_x, T);
}

double pareto_nbd_p_return(const ParetoNbdParams& p, double x, double t_x, double T, double t) {
  if (t <= 0) return 0;
  return -std::expm1(pareto_nbd_log_likelihood(p, x, t_x, T + t) -
                     pareto_nbd_log_likelihood(p, x, t_x, T));
}

}  // namespace kairos
