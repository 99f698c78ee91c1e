// Calibration: expected calibration error (ECE) with its reliability table, and two calibrators
// fitted on validation and applied to test — temperature scaling (one scalar) and isotonic
// regression (a monotone piecewise-linear curve). Torch-free; double accumulation.
// docs/PROTOCOLS.md ("Classification and calibration metrics") has the formulas and decisions.
// The multiclass top-label ECE is in multiclass_metrics.h (it builds on reliability_table()).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <span>
#include <vector>

namespace kairos::eval {

constexpr int kDefaultCalibrationBins = 15;

// One equal-width confidence bin [lower, upper) of a reliability table (the last bin includes
// 1.0). An empty bin has count 0 and mean_confidence = accuracy = 0.
struct ReliabilityBin {
  double lower = 0, upper = 0;
  uint64_t count = 0;
  double mean_confidence = 0;  // mean of the confidences in the bin
  double accuracy = 0;         // mean of the 0/1 outcomes in the bin
};

struct ReliabilityTable {
  std::vector<ReliabilityBin> bins;  // num_bins bins, lowest first
  uint64_t cases = 0;
  // ECE = sum over bins of count / cases * |accuracy - mean_confidence|.
  double ece = 0;
};

// The reliability table of `confidence` (size n, each in [0, 1]) against 0/1 `outcome` (size n):
// for binary ECE, p = P(y = 1) against y; for top-label ECE, the top probability against whether
// the top class is right. Case i falls in bin b = the b with b/B <= confidence < (b+1)/B (1.0 in
// bin B-1). Throws kUsage on bad input (check_binary_input) or num_bins < 1.
ReliabilityTable reliability_table(std::span<const double> confidence, std::span<const int> outcome,
                                   int num_bins = kDefaultCalibrationBins);

// The bins as JSON rows {lower, upper, count, confidence, accuracy} (evaluation output, reports).
nlohmann::json reliability_json(const ReliabilityTable& t);

// Binary ECE of P(y = 1): reliability_table(p, y, num_bins).ece.
double expected_calibration_error(std::span<const double> p, std::span<const int> y,
                                  int num_bins = kDefaultCalibrationBins);

// Temperature scaling (Guo et al. 2017): one T > 0 minimising the validation NLL of
// softmax(logits / T) — or, for binary probabilities, of sigmoid(logit(p) / T). The NLL is convex
// in 1/T, hence unimodal in log T, so golden-section search on log T over [kMinTemperature,
// kMaxTemperature] finds the minimum (to |d log T| < 1e-6); an optimum outside the bounds returns
// the nearer bound. T > 1 softens over-confident predictions, T < 1 sharpens. Ranks and the
// argmax are unchanged.
class TemperatureScaler {
 public:
  static constexpr double kMinTemperature = 0.01;
  static constexpr double kMaxTemperature = 100.0;

  // `logits`: row-major [n, num_classes] (finite), `labels`: n class ids < num_classes, n > 0.
  void fit(std::span<const float> logits, size_t num_classes, std::span<const uint32_t> labels);
  // Binary: p and y as in binary_metrics.h; the logits are logit(p), p clipped to
  // [1e-15, 1 - 1e-15].
  void fit_binary(std::span<const double> p, std::span<const int> y);

  double temperature() const { return temperature_; }  // 1 until fitted
  // softmax(logits / T) row by row, row-major [n, num_classes].
  std::vector<float> apply(std::span<const float> logits, size_t num_classes) const;
  // sigmoid(logit(p) / T) (p clipped as in fit_binary).
  std::vector<double> apply_binary(std::span<const double> p) const;

 private:
  double temperature_ = 1.0;
};

// Isotonic-regression calibration of a binary score: the non-decreasing map from score to P(y = 1)
// that minimises the squared error on validation (pool-adjacent-violators). Equal scores are
// pooled first (they get one fitted value, the weighted mean of their targets). apply() is the
// piecewise-linear interpolation through the fitted points (scikit-learn's IsotonicRegression,
// with out_of_bounds = "clip"): a score below the smallest fitted score gets the first fitted
// value, above the largest the last.
class IsotonicCalibrator {
 public:
  // `scores`: n finite values, `targets`: n values in [0, 1] (usually 0/1 labels), n > 0.
  void fit(std::span<const double> scores, std::span<const double> targets);
  void fit(std::span<const double> scores, std::span<const int> labels);  // labels 0 or 1

  // A curve saved earlier (knot_x / knot_y of a fitted calibrator): kInput unless the scores are
  // finite and strictly increasing and the values in [0, 1] and non-decreasing.
  static IsotonicCalibrator from_knots(std::vector<double> x, std::vector<double> y);

  bool fitted() const { return !knot_x_.empty(); }
  double apply(double score) const;  // throws kUsage if not fitted or score is NaN
  std::vector<double> apply(std::span<const double> scores) const;

  // The fitted curve: strictly increasing knot scores and their non-decreasing values (one knot
  // per distinct validation score, so fitted values can be read off at the fitted points).
  const std::vector<double>& knot_x() const { return knot_x_; }
  const std::vector<double>& knot_y() const { return knot_y_; }

 private:
  std::vector<double> knot_x_, knot_y_;
};

// Top-label calibration (Gupta & Ramdas, ICLR 2022): an isotonic map from a distribution's top
// probability to the probability that its top class is right, fitted on validation; the other
// classes share the rest in their own proportions. A temperature moves every confidence the same
// way; this bends the confidence curve where it needs it (a model under-confident at 0.3 and
// over-confident at 0.95 is fixed by neither T < 1 nor T > 1). Ranks are kept: the new top
// probability is never set below the rescaled runner-up. Calibrated tops stay within
// [1e-4, 1 - 1e-4].
class TopLabelCalibrator {
 public:
  // `probs`: row-major [n, num_classes] distributions; `labels`: the n true classes; n > 0.
  void fit(std::span<const float> probs, size_t num_classes, std::span<const uint32_t> labels);
  void apply(std::span<float> probs) const;  // one distribution, in place; no-op unless fitted
  bool fitted() const { return curve_.fitted(); }
  const IsotonicCalibrator& curve() const { return curve_; }
  static TopLabelCalibrator from_curve(IsotonicCalibrator curve);

 private:
  IsotonicCalibrator curve_;
};

}  // namespace kairos::eval
