#include "eval/bootstrap.h"

#include <algorithm>

#include <cmath>

#include "core/rng.h"
#include "eval/classification/binary_metrics.h"

namespace kairos::eval {

double percentile(std::vector<float> v, double q) {
  if (v.empty()) return 0;
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i), v.end());
  return v[i];
}

std::pair<double, double> bootstrap_interval(const std::vector<double>& values, uint32_t resamples,
                                             uint64_t seed) {
  if (values.empty() || resamples == 0) return {0, 0};
  Rng rng = Rng::derive(seed, 0xB007);
  std::vector<double> means(resamples);
  const uint64_t n = values.size();
  for (uint32_t b = 0; b < resamples; ++b) {
    double sum = 0;
    for (uint64_t i = 0; i < n; ++i) sum += values[rng.below(n)];
    means[b] = sum / static_cast<double>(n);
  }
  std::sort(means.begin(), means.end());
  const auto at = [&](double q) {
    return means[std::min<size_t>(resamples - 1, static_cast<size_t>(q * resamples))];
  };
  return {at(0.025), at(0.975)};
}

std::pair<double, double> bootstrap_auc_interval(const std::vector<double>& p,
                                                 const std::vector<int>& y, uint32_t resamples,
                                                 uint64_t seed) {
  std::vector<double> aucs;
  std::vector<double> bp(p.size());
  std::vector<int> by(y.size());
  for (uint32_t b = 0; b < resamples; ++b) {
    Rng rng = Rng::derive(seed, b);
    for (size_t i = 0; i < p.size(); ++i) {
      const size_t j = rng.below(p.size());
      bp[i] = p[j];
      by[i] = y[j];
    }
    const double a = roc_auc(bp, by);
    if (!std::isnan(a)) aucs.push_back(a);
  }
  if (aucs.empty()) return {NAN, NAN};
  std::sort(aucs.begin(), aucs.end());
  auto at = [&](double q) {
    return aucs[static_cast<size_t>(q * static_cast<double>(aucs.size() - 1))];
  };
  return {at(0.025), at(0.975)};
}

}  // namespace kairos::eval
