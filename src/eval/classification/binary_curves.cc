#include "eval/classification/binary_curves.h"

#include <algorithm>
#include <numeric>

#include "eval/classification/binary_metrics.h"

namespace kairos::eval {

std::vector<CurvePoint> binary_curve(std::span<const double> p, std::span<const int> y,
                                     size_t max_points) {
  check_binary_input(p, y);
  const size_t n = p.size();
  const auto positives = static_cast<double>(std::count(y.begin(), y.end(), 1));
  const double negatives = static_cast<double>(n) - positives;
  if (positives == 0 || negatives == 0) return {};
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return p[a] > p[b]; });
  std::vector<CurvePoint> all;
  double tp = 0, fp = 0;
  for (size_t i = 0; i < n; ++i) {
    tp += y[order[i]];
    fp += 1 - y[order[i]];
    if (i + 1 < n && p[order[i + 1]] == p[order[i]]) continue;  // equal scores: one threshold
    all.push_back({p[order[i]], fp / negatives, tp / positives, tp / (tp + fp)});
  }
  if (max_points < 2 || all.size() <= max_points) return all;
  std::vector<CurvePoint> thin;
  thin.reserve(max_points);
  for (size_t k = 0; k < max_points; ++k)
    thin.push_back(all[k * (all.size() - 1) / (max_points - 1)]);
  return thin;
}

}  // namespace kairos::eval
