#include "models/customers/likelihood_fit.h"

#include <nlopt.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>
#include <vector>

#include "core/error.h"

namespace kairos {
namespace {

struct Data {
  const CustomerLogLikelihood* log_likelihood = nullptr;
  std::vector<double> x, t_x, T, weight;
  int evaluations = 0;
};

FourParams from_log(const double* v) {
  return {std::exp(v[0]), std::exp(v[1]), std::exp(v[2]), std::exp(v[3])};
}

// NLopt objective: the negative summed log-likelihood of the log parameters.
double objective(unsigned /*n*/, const double* v, double* grad, void* data) {
  KAIROS_ASSERT(grad == nullptr);  // derivative-free
  auto* d = static_cast<Data*>(data);
  ++d->evaluations;
  const FourParams p = from_log(v);
  double ll = 0;
  for (size_t i = 0; i < d->x.size(); ++i)
    ll += d->weight[i] * (*d->log_likelihood)(p, d->x[i], d->t_x[i], d->T[i]);
  return std::isfinite(ll) ? -ll : std::numeric_limits<double>::max();
}

}  // namespace

LikelihoodFit fit_by_likelihood(std::string_view model, const CustomerLogLikelihood& log_likelihood,
                                std::span<const double> x, std::span<const double> t_x,
                                std::span<const double> T, const FourParams& start) {
  KAIROS_CHECK(!x.empty() && x.size() == t_x.size() && x.size() == T.size(),
               "{}: no customers to fit (or mismatched columns)", model);
  Data data;
  data.log_likelihood = &log_likelihood;
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
  double v[4];
  for (int i = 0; i < 4; ++i) v[i] = std::log(start[static_cast<size_t>(i)]);
  double best = objective(4, v, nullptr, &data);
  KAIROS_CHECK(best < std::numeric_limits<double>::max(),
               "{}: the log-likelihood is not finite at the start parameters", model);
  nlopt_opt opt = nlopt_create(NLOPT_LN_NELDERMEAD, 4);
  KAIROS_CHECK_KIND(opt != nullptr, ErrorKind::kInternal, "nlopt_create failed");
  nlopt_set_min_objective(opt, objective, &data);
  const double lower[4] = {-12, -12, -12, -12}, upper[4] = {8, 12, 8, 12};  // e^-12 .. e^12
  nlopt_set_lower_bounds(opt, lower);
  nlopt_set_upper_bounds(opt, upper);
  nlopt_set_ftol_abs(opt, 1e-9);
  nlopt_set_xtol_rel(opt, 1e-10);
  nlopt_set_maxeval(opt, 20000);
  for (int round = 0; round < 10; ++round) {
    double value = best;
    const nlopt_result rc = nlopt_optimize(opt, v, &value);
    if (rc < 0) {
      nlopt_destroy(opt);
      KAIROS_THROW(ErrorKind::kInput, "{}: the optimiser failed (nlopt code {})", model,
                   static_cast<int>(rc));
    }
    const bool moved = value < best - 1e-7;
    best = std::min(best, value);
    if (!moved && round > 0) break;
  }
  nlopt_destroy(opt);
  return {from_log(v), -best, data.evaluations};
}

}  // namespace kairos
