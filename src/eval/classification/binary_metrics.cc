#include "eval/classification/binary_metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "core/error.h"

namespace kairos::eval {
namespace {

constexpr double kClip = 1e-15;  // log-loss clipping, as scikit-learn's historical eps

// Case indices by descending p (stable, so the order of equal scores is the input order; no
// metric here depends on it because equal scores are always handled as one group).
std::vector<size_t> descending(std::span<const double> p) {
  std::vector<size_t> order(p.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return p[a] > p[b]; });
  return order;
}

uint64_t count_positives(std::span<const int> y) {
  return static_cast<uint64_t>(std::count(y.begin(), y.end(), 1));
}

ThresholdMetrics from_counts(double threshold, uint64_t tp, uint64_t fp, uint64_t positives,
                             uint64_t n) {
  ThresholdMetrics m;
  m.threshold = threshold;
  m.tp = tp;
  m.fp = fp;
  m.fn = positives - tp;
  m.tn = n - positives - fp;
  const auto ratio = [](uint64_t a, uint64_t b) {
    return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b);
  };
  m.precision = ratio(tp, tp + fp);
  m.recall = ratio(tp, positives);
  m.f1 = ratio(2 * tp, 2 * tp + m.fp + m.fn);
  m.accuracy = ratio(tp + m.tn, n);
  return m;
}

}  // namespace

void check_binary_input(std::span<const double> p, std::span<const int> y) {
  KAIROS_CHECK_USAGE(p.size() == y.size(), "{} probabilities but {} labels", p.size(), y.size());
  KAIROS_CHECK_USAGE(!p.empty(), "no cases to score");
  for (size_t i = 0; i < p.size(); ++i) {
    // Written so that NaN fails too.
    KAIROS_CHECK_USAGE(p[i] >= 0.0 && p[i] <= 1.0, "probability {} of case {} is not in [0, 1]",
                       p[i], i);
    KAIROS_CHECK_USAGE(y[i] == 0 || y[i] == 1, "label {} of case {} is not 0 or 1", y[i], i);
  }
}

double roc_auc(std::span<const double> p, std::span<const int> y) {
  check_binary_input(p, y);
  const uint64_t n = p.size(), n1 = count_positives(y), n0 = n - n1;
  if (n1 == 0 || n0 == 0) return std::numeric_limits<double>::quiet_NaN();
  const std::vector<size_t> order = descending(p);
  // Ascending rank of the group order[i..j) of equal scores: its positions n-j+1 .. n-i, averaged.
  double positive_rank_sum = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    uint64_t positives = 0;
    while (j < n && p[order[j]] == p[order[i]]) positives += y[order[j++]] == 1;
    const double average_rank = static_cast<double>(2 * n - i - j + 1) / 2.0;
    positive_rank_sum += average_rank * static_cast<double>(positives);
    i = j;
  }
  const double n1d = static_cast<double>(n1);
  return (positive_rank_sum - n1d * (n1d + 1) / 2) / (n1d * static_cast<double>(n0));
}

double average_precision(std::span<const double> p, std::span<const int> y) {
  check_binary_input(p, y);
  const uint64_t n = p.size(), positives = count_positives(y);
  if (positives == 0) return std::numeric_limits<double>::quiet_NaN();
  const std::vector<size_t> order = descending(p);
  double ap = 0, previous_recall = 0;
  uint64_t tp = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && p[order[j]] == p[order[i]]) tp += y[order[j++]] == 1;
    const double recall = static_cast<double>(tp) / static_cast<double>(positives);
    const double precision = static_cast<double>(tp) / static_cast<double>(j);
    ap += (recall - previous_recall) * precision;
    previous_recall = recall;
    i = j;
  }
  return ap;
}

double log_loss(std::span<const double> p, std::span<const int> y) {
  check_binary_input(p, y);
  double sum = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    const double q = std::clamp(p[i], kClip, 1.0 - kClip);
    sum -= y[i] == 1 ? std::log(q) : std::log1p(-q);
  }
  return sum / static_cast<double>(p.size());
}

double brier_score(std::span<const double> p, std::span<const int> y) {
  check_binary_input(p, y);
  double sum = 0;
  for (size_t i = 0; i < p.size(); ++i) sum += (p[i] - y[i]) * (p[i] - y[i]);
  return sum / static_cast<double>(p.size());
}

ThresholdMetrics threshold_metrics(std::span<const double> p, std::span<const int> y,
                                   double threshold) {
  check_binary_input(p, y);
  KAIROS_CHECK_USAGE(!std::isnan(threshold), "the threshold is NaN");
  uint64_t tp = 0, fp = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] < threshold) continue;
    (y[i] == 1 ? tp : fp) += 1;
  }
  return from_counts(threshold, tp, fp, count_positives(y), p.size());
}

ThresholdMetrics best_f1_threshold(std::span<const double> p, std::span<const int> y) {
  check_binary_input(p, y);
  const uint64_t n = p.size(), positives = count_positives(y);
  const std::vector<size_t> order = descending(p);
  ThresholdMetrics best;
  best.f1 = -1;
  uint64_t tp = 0, fp = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    for (; j < n && p[order[j]] == p[order[i]]; ++j) (y[order[j]] == 1 ? tp : fp) += 1;
    const ThresholdMetrics m = from_counts(p[order[i]], tp, fp, positives, n);
    if (m.f1 > best.f1) best = m;  // strict: the first (highest) threshold keeps a tie
    i = j;
  }
  return best;
}

}  // namespace kairos::eval
