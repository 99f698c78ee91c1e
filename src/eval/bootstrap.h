// Statistics over evaluation cases: percentiles (latencies) and bootstrap confidence intervals.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace kairos::eval {

// The q-quantile (0..1) of `values` by nth_element (0 for none).
double percentile(std::vector<float> values, double q);

// 95% interval (2.5th and 97.5th percentiles of `resamples` resampled means), deterministic
// for `seed`.
std::pair<double, double> bootstrap_interval(const std::vector<double>& values, uint32_t resamples,
                                             uint64_t seed);

// 95% interval of ROC-AUC over `resamples` bootstrap resamples of the (p, y) cases (resamples
// with one class only are left out); {NaN, NaN} when none has both classes.
std::pair<double, double> bootstrap_auc_interval(const std::vector<double>& p,
                                                 const std::vector<int>& y, uint32_t resamples,
                                                 uint64_t seed);

}  // namespace kairos::eval
