#include "eval/classification/calibration.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.h"
#include "eval/classification/binary_metrics.h"
#include "eval/classification/multiclass_metrics.h"

namespace kairos::eval {
namespace {

constexpr double kClip = 1e-15;              // as the binary log-loss
constexpr double kLogTemperatureTol = 1e-6;  // golden-section stops at this bracket width

// b with b/B <= c < (b+1)/B, computed against the same edges the table reports (so a confidence
// exactly on an edge lands in the upper bin whatever the rounding of c * B); 1.0 in bin B-1.
int bin_of(double c, int num_bins) {
  const double bins = num_bins;
  int b = std::min(num_bins - 1, static_cast<int>(c * bins));
  while (b + 1 < num_bins && c >= (b + 1) / bins) ++b;
  while (b > 0 && c < b / bins) --b;
  return b;
}

// argmin over log T in [log kMinTemperature, log kMaxTemperature] of nll(T), golden section.
template <typename Nll>
double minimize_over_log_temperature(const Nll& nll) {
  const double ratio = (std::sqrt(5.0) - 1.0) / 2.0;  // 0.618...
  double a = std::log(TemperatureScaler::kMinTemperature);
  double b = std::log(TemperatureScaler::kMaxTemperature);
  double c = b - ratio * (b - a), d = a + ratio * (b - a);
  double fc = nll(std::exp(c)), fd = nll(std::exp(d));
  while (b - a > kLogTemperatureTol) {
    if (fc <= fd) {  // the minimum is in [a, d]
      b = d;
      d = c;
      fd = fc;
      c = b - ratio * (b - a);
      fc = nll(std::exp(c));
    } else {  // in [c, b]
      a = c;
      c = d;
      fc = fd;
      d = a + ratio * (b - a);
      fd = nll(std::exp(d));
    }
  }
  return std::exp((a + b) / 2);
}

double clipped_logit(double p) {
  const double q = std::clamp(p, kClip, 1.0 - kClip);
  return std::log(q) - std::log1p(-q);
}

double softplus(double x) { return std::max(x, 0.0) + std::log1p(std::exp(-std::abs(x))); }

double sigmoid(double x) {
  if (x >= 0) return 1.0 / (1.0 + std::exp(-x));
  const double e = std::exp(x);
  return e / (1.0 + e);
}

// log sum_j exp(row_j / t), stable.
double log_sum_exp(std::span<const float> row, double t) {
  const double m = *std::max_element(row.begin(), row.end());
  double sum = 0;
  for (float z : row) sum += std::exp((z - m) / t);
  return m / t + std::log(sum);
}

}  // namespace

ReliabilityTable reliability_table(std::span<const double> confidence, std::span<const int> outcome,
                                   int num_bins) {
  check_binary_input(confidence, outcome);
  KAIROS_CHECK_USAGE(num_bins >= 1, "the number of calibration bins must be >= 1, not {}",
                     num_bins);
  ReliabilityTable table;
  table.cases = confidence.size();
  table.bins.resize(static_cast<size_t>(num_bins));
  std::vector<double> confidence_sum(table.bins.size(), 0.0), outcome_sum(table.bins.size(), 0.0);
  for (size_t i = 0; i < confidence.size(); ++i) {
    const auto b = static_cast<size_t>(bin_of(confidence[i], num_bins));
    ++table.bins[b].count;
    confidence_sum[b] += confidence[i];
    outcome_sum[b] += outcome[i];
  }
  for (size_t b = 0; b < table.bins.size(); ++b) {
    ReliabilityBin& bin = table.bins[b];
    bin.lower = static_cast<double>(b) / num_bins;
    bin.upper = static_cast<double>(b + 1) / num_bins;
    if (bin.count == 0) continue;
    const double count = static_cast<double>(bin.count);
    bin.mean_confidence = confidence_sum[b] / count;
    bin.accuracy = outcome_sum[b] / count;
    table.ece +=
        count / static_cast<double>(table.cases) * std::abs(bin.accuracy - bin.mean_confidence);
  }
  return table;
}

nlohmann::json reliability_json(const ReliabilityTable& t) {
  nlohmann::json bins = nlohmann::json::array();
  for (const auto& b : t.bins) {
    bins.push_back({{"lower", b.lower},
                    {"upper", b.upper},
                    {"count", b.count},
                    {"confidence", b.mean_confidence},
                    {"accuracy", b.accuracy}});
  }
  return bins;
}

double expected_calibration_error(std::span<const double> p, std::span<const int> y, int num_bins) {
  return reliability_table(p, y, num_bins).ece;
}

void TemperatureScaler::fit(std::span<const float> logits, size_t num_classes,
                            std::span<const uint32_t> labels) {
  check_class_matrix(logits, num_classes, labels);
  const size_t n = labels.size();
  temperature_ = minimize_over_log_temperature([&](double t) {
    double sum = 0;
    for (size_t i = 0; i < n; ++i) {
      const std::span<const float> row = logits.subspan(i * num_classes, num_classes);
      sum += log_sum_exp(row, t) - row[labels[i]] / t;
    }
    return sum / static_cast<double>(n);
  });
}

void TemperatureScaler::fit_binary(std::span<const double> p, std::span<const int> y) {
  check_binary_input(p, y);
  std::vector<double> z(p.size());
  std::transform(p.begin(), p.end(), z.begin(), clipped_logit);
  temperature_ = minimize_over_log_temperature([&](double t) {
    double sum = 0;
    for (size_t i = 0; i < z.size(); ++i) sum += softplus(z[i] / t) - y[i] * z[i] / t;
    return sum / static_cast<double>(z.size());
  });
}

std::vector<float> TemperatureScaler::apply(std::span<const float> logits,
                                            size_t num_classes) const {
  KAIROS_CHECK_USAGE(num_classes > 0 && logits.size() % num_classes == 0,
                     "{} logits do not form rows of {} classes", logits.size(), num_classes);
  std::vector<float> probs(logits.size());
  for (size_t start = 0; start < logits.size(); start += num_classes) {
    const std::span<const float> row = logits.subspan(start, num_classes);
    const double lse = log_sum_exp(row, temperature_);
    for (size_t j = 0; j < num_classes; ++j)
      probs[start + j] = static_cast<float>(std::exp(row[j] / temperature_ - lse));
  }
  return probs;
}

std::vector<double> TemperatureScaler::apply_binary(std::span<const double> p) const {
  std::vector<double> out(p.size());
  for (size_t i = 0; i < p.size(); ++i) {
    KAIROS_CHECK_USAGE(p[i] >= 0.0 && p[i] <= 1.0, "probability {} of case {} is not in [0, 1]",
                       p[i], i);
    out[i] = sigmoid(clipped_logit(p[i]) / temperature_);
  }
  return out;
}

void IsotonicCalibrator::fit(std::span<const double> scores, std::span<const double> targets) {
  KAIROS_CHECK_USAGE(scores.size() == targets.size(), "{} scores but {} targets", scores.size(),
                     targets.size());
  KAIROS_CHECK_USAGE(!scores.empty(), "no cases to fit isotonic calibration on");
  for (size_t i = 0; i < scores.size(); ++i) {
    KAIROS_CHECK_USAGE(std::isfinite(scores[i]), "score {} of case {} is not finite", scores[i], i);
    KAIROS_CHECK_USAGE(targets[i] >= 0.0 && targets[i] <= 1.0,
                       "target {} of case {} is not in [0, 1]", targets[i], i);
  }
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] < scores[b]; });
  // Pool equal scores into one knot each.
  std::vector<double> x, weight, sum;
  for (size_t i : order) {
    if (x.empty() || scores[i] != x.back()) {
      x.push_back(scores[i]);
      weight.push_back(0);
      sum.push_back(0);
    }
    weight.back() += 1;
    sum.back() += targets[i];
  }
  // Pool adjacent violators: a stack of blocks (first knot, weight, sum) with increasing means.
  struct Block {
    size_t first;
    double weight, sum;
    double mean() const { return sum / weight; }
  };
  std::vector<Block> blocks;
  for (size_t k = 0; k < x.size(); ++k) {
    blocks.push_back({k, weight[k], sum[k]});
    while (blocks.size() >= 2 && blocks[blocks.size() - 2].mean() > blocks.back().mean()) {
      const Block last = blocks.back();
      blocks.pop_back();
      blocks.back().weight += last.weight;
      blocks.back().sum += last.sum;
    }
  }
  knot_y_.assign(x.size(), 0.0);
  for (size_t b = 0; b < blocks.size(); ++b) {
    const size_t end = b + 1 < blocks.size() ? blocks[b + 1].first : x.size();
    std::fill(knot_y_.begin() + static_cast<std::ptrdiff_t>(blocks[b].first),
              knot_y_.begin() + static_cast<std::ptrdiff_t>(end), blocks[b].mean());
  }
  knot_x_ = std::move(x);
}

void IsotonicCalibrator::fit(std::span<const double> scores, std::span<const int> labels) {
  for (size_t i = 0; i < labels.size(); ++i)
    KAIROS_CHECK_USAGE(labels[i] == 0 || labels[i] == 1, "label {} of case {} is not 0 or 1",
                       labels[i], i);
  const std::vector<double> targets(labels.begin(), labels.end());
  fit(scores, targets);
}

double IsotonicCalibrator::apply(double score) const {
  KAIROS_CHECK_USAGE(fitted(), "isotonic calibration applied before fit()");
  KAIROS_CHECK_USAGE(!std::isnan(score), "cannot calibrate a NaN score");
  if (score <= knot_x_.front()) return knot_y_.front();
  if (score >= knot_x_.back()) return knot_y_.back();
  // knot_x_[k - 1] < score < knot_x_[k] or score == knot_x_[k - 1].
  const size_t k = static_cast<size_t>(std::upper_bound(knot_x_.begin(), knot_x_.end(), score) -
                                       knot_x_.begin());
  const double x0 = knot_x_[k - 1], x1 = knot_x_[k], y0 = knot_y_[k - 1], y1 = knot_y_[k];
  return y0 + (y1 - y0) * (score - x0) / (x1 - x0);
}

std::vector<double> IsotonicCalibrator::apply(std::span<const double> scores) const {
  std::vector<double> out(scores.size());
  for (size_t i = 0; i < scores.size(); ++i) out[i] = apply(scores[i]);
  return out;
}

IsotonicCalibrator IsotonicCalibrator::from_knots(std::vector<double> x, std::vector<double> y) {
  KAIROS_CHECK(!x.empty() && x.size() == y.size(), "isotonic curve: {} scores and {} values",
               x.size(), y.size());
  for (size_t i = 0; i < x.size(); ++i) {
    KAIROS_CHECK(std::isfinite(x[i]) && (i == 0 || x[i] > x[i - 1]),
                 "isotonic curve: scores must be finite and strictly increasing");
    KAIROS_CHECK(y[i] >= 0 && y[i] <= 1 && (i == 0 || y[i] >= y[i - 1]),
                 "isotonic curve: values must be in [0, 1] and non-decreasing");
  }
  IsotonicCalibrator c;
  c.knot_x_ = std::move(x);
  c.knot_y_ = std::move(y);
  return c;
}

void TopLabelCalibrator::fit(std::span<const float> probs, size_t num_classes,
                             std::span<const uint32_t> labels) {
  KAIROS_CHECK_USAGE(
      num_classes > 0 && !labels.empty() && probs.size() == labels.size() * num_classes,
      "top-label calibration: {} probabilities for {} rows of {} classes", probs.size(),
      labels.size(), num_classes);
  std::vector<double> top(labels.size());
  std::vector<int> right(labels.size());
  for (size_t i = 0; i < labels.size(); ++i) {
    const std::span<const float> row = probs.subspan(i * num_classes, num_classes);
    const auto best = std::max_element(row.begin(), row.end());
    top[i] = *best;
    right[i] = static_cast<size_t>(best - row.begin()) == labels[i] ? 1 : 0;
  }
  curve_.fit(top, right);
}

void TopLabelCalibrator::apply(std::span<float> probs) const {
  if (!fitted() || probs.empty()) return;
  size_t top = 0;
  for (size_t c = 1; c < probs.size(); ++c) {
    if (probs[c] > probs[top]) top = c;
  }
  const double p1 = probs[top];
  if (p1 >= 1.0 - 1e-9) return;  // nothing else to give the rest to
  double p2 = 0;
  for (size_t c = 0; c < probs.size(); ++c) {
    if (c != top) p2 = std::max(p2, static_cast<double>(probs[c]));
  }
  double q = std::clamp(curve_.apply(p1), 1e-4, 1 - 1e-4);
  // The runner-up, rescaled, stays strictly below the top (a margin of 0.1 % survives float
  // rounding, so a conservative rank cannot turn the top into a tie).
  q = std::min(std::max(q, p2 / (1.0 - p1 + p2) * 1.001), std::max(p1, 1 - 1e-4));
  const double scale = (1.0 - q) / (1.0 - p1);
  for (size_t c = 0; c < probs.size(); ++c) {
    probs[c] = c == top ? static_cast<float>(q) : static_cast<float>(probs[c] * scale);
  }
}

TopLabelCalibrator TopLabelCalibrator::from_curve(IsotonicCalibrator curve) {
  TopLabelCalibrator c;
  c.curve_ = std::move(curve);
  return c;
}

}  // namespace kairos::eval
