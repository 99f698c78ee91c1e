#include "eval/bootstrap.h"

#include <algorithm>

#include "core/rng.h"

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

}  // namespace kairos::eval
