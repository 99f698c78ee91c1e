// ROC and precision-recall curves of binary probabilities, as points for plots (kairos report):
// one point per distinct score threshold, descending, thinned to at most `max_points` evenly
// spread over the thresholds (the first and last always kept). Same input rules as
// binary_metrics.h.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace kairos::eval {

struct CurvePoint {
  double threshold = 0;
  double fpr = 0, tpr = 0;  // ROC: false- and true-positive rates of "p >= threshold"
  double precision = 0;     // PR: precision at that threshold (recall = tpr)
};

// Empty when only one class is present (no curve is defined).
std::vector<CurvePoint> binary_curve(std::span<const double> p, std::span<const int> y,
                                     size_t max_points = 200);

}  // namespace kairos::eval
