// Percentile bootstrap confidence intervals of a mean over evaluation cases.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace kairos::eval {

// 95% interval (2.5th and 97.5th percentiles of `resamples` resampled means), deterministic
// for `seed`.
std::pair<double, double> bootstrap_interval(const std::vector<double>& values, uint32_t resamples,
                                             uint64_t seed);

}  // namespace kairos::eval
