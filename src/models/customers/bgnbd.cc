#include "models/customers/bgnbd.h"

// gamma.hpp first: Boost 1.74's pFq header uses lgamma without including it.
#include <algorithm>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/hypergeometric_pFq.hpp>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "models/customers/likelihood_fit.h"

namespace kairos {
namespace {

double lbeta(double a, double b) { return std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b); }

}  // namespace

double bgnbd_log_likelihood(const BgNbdParams& p, double x, double t_x, double T) {
  const double common = std::lgamma(p.r + x) - std::lgamma(p.r) + p.r * std::log(p.alpha);
  const double alive = lbeta(p.a, p.b + x) - lbeta(p.a, p.b) - (p.r + x) * std::log(p.alpha + T);
  if (x <= 0) return common + alive;
  const double died =
      lbeta(p.a + 1, p.b + x - 1) - lbeta(p.a, p.b) - (p.r + x) * std::log(p.alpha + t_x);
  const double hi = std::max(alive, died);
  return common + hi + std::log(std::exp(alive - hi) + std::exp(died - hi));
}

BgNbdFit fit_bgnbd(std::span<const double> x, std::span<const double> t_x,
                   std::span<const double> T, BgNbdParams start) {
  const LikelihoodFit f =
      fit_by_likelihood("BG/NBD",
                        [](const FourParams& p, double cx, double ct, double cT) {
                          return bgnbd_log_likelihood({p[0], p[1], p[2], p[3]}, cx, ct, cT);
                        },
                        x, t_x, T, {start.r, start.alpha, start.a, start.b});
  return {{f.params[0], f.params[1], f.params[2], f.params[3]}, f.log_likelihood, f.evaluations};
}

double bgnbd_p_alive(const BgNbdParams& p, double x, double t_x, double T) {
  if (x <= 0) return 1.0;
  const double odds =
      p.a / (p.b + x - 1) * std::exp((p.r + x) * (std::log(p.alpha + T) - std::log(p.alpha + t_x)));
  return 1.0 / (1.0 + odds);
}

double hyp2f1(double a, double b, double c, double z) {
  KAIROS_CHECK_USAGE(z >= 0 && z < 1, "hyp2f1: z = {} outside [0, 1)", z);
  return boost::math::hypergeometric_pFq({a, b}, {c}, z);
}

double bgnbd_expected(const BgNbdParams& p, double t) {
  if (t <= 0) return 0;
  const double z = t / (p.alpha + t);
  return (p.a + p.b - 1) / (p.a - 1) *
         (1 - std::pow(p.alpha / (p.alpha + t), p.r) * hyp2f1(p.r, p.b, p.a + p.b - 1, z));
}

double bgnbd_conditional_expected(const BgNbdParams& p, double x, double t_x, double T, double t) {
  if (t <= 0) return 0;
  const double rx = p.r + x;
  const double z = t / (p.alpha + T + t);
  const double body = (p.a + p.b + x - 1) / (p.a - 1) *
                      (1 - std::pow((p.alpha + T) / (p.alpha + T + t), rx) *
                               hyp2f1(rx, p.b + x, p.a + p.b + x - 1, z));
  return body * bgnbd_p_alive(p, x, t_x, T);
}

double bgnbd_p_return(const BgNbdParams& p, double x, double t_x, double T, double t) {
  if (t <= 0) return 0;
  return bgnbd_p_alive(p, x, t_x, T) * (1 - std::pow((p.alpha + T) / (p.alpha + T + t), p.r + x));
}

}  // namespace kairos
