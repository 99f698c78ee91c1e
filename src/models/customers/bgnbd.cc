#include "models/customers/bgnbd.h"

#include <nlopt.h>

// gamma.hpp first: Boost 1.74's pFq header uses lgamma without including it.
#include <algorithm>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/hypergeometric_pFq.hpp>
#include <cmath>
#include <limits>
#include <tuple>
#include <vector>

#include "core/error.h"

namespace kairos {
namespace {

double lbeta(double a, double b) { return std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b); }

// Customers with the same (x, t_x, T) share a likelihood term: each distinct history once, with
// its count (CDNOW's 23,570 customers are ~9,500 histories; most never buy again).
struct Data {
  std::vector<double> x, t_x, T, weight;
  int evaluations = 0;
};

BgNbdParams from_log(const double* v) {
  return {std::exp(v[0]), std::exp(v[1]), std::exp(v[2]), std::exp(v[3])};
}

// NLopt objective: the negative summed log-likelihood of the log parameters.
double objective(unsigned /*n*/, const double* v, double* grad, void* data) {
  KAIROS_ASSERT(grad == nullptr);  // derivative-free
  auto* d = static_cast<Data*>(data);
  ++d->evaluations;
  const BgNbdParams p = from_log(v);
  double ll = 0;
  for (size_t i = 0; i < d->x.size(); ++i)
    ll += d->weight[i] * bgnbd_log_likelihood(p, d->x[i], d->t_x[i], d->T[i]);
  return std::isfinite(ll) ? -ll : std::numeric_limits<double>::max();
}

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
  KAIROS_CHECK(!x.empty() && x.size() == t_x.size() && x.size() == T.size(),
               "BG/NBD: no customers to fit (or mismatched columns)");
  Data data;
  std::vector<std::tuple<double, double, double>> rows;
  rows.reserve(x.size());
  for (size_t i = 0; i < x.size(); ++i) rows.emplace_back(x[i], t_x[i], T[i]);
  std::sort(rows.begin(), rows.end());
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i > 0 && rows[i] == rows[i - 1]) {
      data.weight.back() += 1;
      continue;
    }
    data.x.push_back(std::get<0>(rows[i]));
    data.t_x.push_back(std::get<1>(rows[i]));
    data.T.push_back(std::get<2>(rows[i]));
    data.weight.push_back(1);
  }
  double v[4] = {std::log(start.r), std::log(start.alpha), std::log(start.a), std::log(start.b)};
  double best = objective(4, v, nullptr, &data);
  KAIROS_CHECK(best < std::numeric_limits<double>::max(),
               "BG/NBD: the log-likelihood is not finite at the start parameters");
  nlopt_opt opt = nlopt_create(NLOPT_LN_NELDERMEAD, 4);
  KAIROS_CHECK_KIND(opt != nullptr, ErrorKind::kInternal, "nlopt_create failed");
  nlopt_set_min_objective(opt, objective, &data);
  const double lower[4] = {-12, -12, -12, -12}, upper[4] = {8, 12, 8, 12};  // e^-12 .. e^12
  nlopt_set_lower_bounds(opt, lower);
  nlopt_set_upper_bounds(opt, upper);
  nlopt_set_ftol_abs(opt, 1e-9);
  nlopt_set_xtol_rel(opt, 1e-10);
  nlopt_set_maxeval(opt, 20000);
  // Restart from the optimum (a simplex can stall on a ridge) until it no longer improves.
  for (int round = 0; round < 10; ++round) {
    double value = best;
    const nlopt_result rc = nlopt_optimize(opt, v, &value);
    if (rc < 0) {
      nlopt_destroy(opt);
      KAIROS_THROW(ErrorKind::kInput, "BG/NBD: the optimiser failed (nlopt code {})",
                   static_cast<int>(rc));
    }
    const bool moved = value < best - 1e-7;
    best = std::min(best, value);
    if (!moved && round > 0) break;
  }
  nlopt_destroy(opt);
  return {from_log(v), -best, data.evaluations};
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
