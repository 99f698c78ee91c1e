// Classification and calibration metrics (src/eval/classification): golden values worked out by
// hand in the comments, brute-force oracles on random data, calibrators recovering planted
// miscalibration, and bad input refused with kUsage.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/error.h"
#include "core/rng.h"
#include "eval/classification/binary_curves.h"
#include "eval/classification/binary_metrics.h"
#include "eval/classification/calibration.h"
#include "eval/classification/multiclass_metrics.h"
#include "eval/ranking/rank.h"

namespace kairos::eval {
namespace {

template <typename F>
void expect_usage_error(F f) {
  try {
    f();
    ADD_FAILURE() << "no kairos::Error thrown";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage) << e.what();
  }
}

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// ---- binary metrics ----

TEST(BinaryMetrics, RocAucGoldenValuesAndTies) {
  // scikit-learn's doc example. Pairs (positive, negative): (0.35, 0.1) (0.35, 0.4) (0.8, 0.1)
  // (0.8, 0.4): 3 of 4 ordered correctly.
  EXPECT_DOUBLE_EQ(roc_auc(std::vector<double>{0.1, 0.4, 0.35, 0.8}, std::vector<int>{0, 0, 1, 1}),
                   0.75);
  // Positives {0.5, 0.9}, negatives {0.5, 0.2}: (0.5, 0.5) is a tie worth 1/2, the other three
  // pairs are right: 3.5 / 4. Average ranks ascending: 0.2 -> 1, 0.5 0.5 -> 2.5, 0.9 -> 4;
  // (2.5 + 4 - 3) / 4 = 0.875.
  EXPECT_DOUBLE_EQ(roc_auc(std::vector<double>{0.5, 0.5, 0.2, 0.9}, std::vector<int>{1, 0, 0, 1}),
                   0.875);
  // All scores tied: every pair is a tie.
  EXPECT_DOUBLE_EQ(
      roc_auc(std::vector<double>{0.3, 0.3, 0.3, 0.3, 0.3}, std::vector<int>{1, 0, 1, 0, 0}), 0.5);
  // Perfectly inverted.
  EXPECT_DOUBLE_EQ(roc_auc(std::vector<double>{0.9, 0.1}, std::vector<int>{0, 1}), 0.0);
  // Only one class present: undefined, NaN (documented choice).
  EXPECT_TRUE(std::isnan(roc_auc(std::vector<double>{0.2, 0.7}, std::vector<int>{1, 1})));
  EXPECT_TRUE(std::isnan(roc_auc(std::vector<double>{0.2, 0.7}, std::vector<int>{0, 0})));
}

TEST(BinaryMetrics, RocAucEqualsPairCountingOnRandomTiedScores) {
  Rng rng(11);
  std::vector<double> p;
  std::vector<int> y;
  for (int i = 0; i < 400; ++i) {
    p.push_back(static_cast<double>(rng.below(11)) / 10.0);  // 11 distinct values: many ties
    y.push_back(rng.bernoulli(0.2 + 0.6 * p.back()) ? 1 : 0);
  }
  double pairs = 0, wins = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    for (size_t j = 0; j < p.size(); ++j) {
      if (y[i] != 1 || y[j] != 0) continue;
      pairs += 1;
      wins += p[i] > p[j] ? 1.0 : p[i] == p[j] ? 0.5 : 0.0;
    }
  }
  EXPECT_NEAR(roc_auc(p, y), wins / pairs, 1e-12);
}

TEST(BinaryMetrics, AveragePrecisionGroupsTiedScores) {
  // scikit-learn's doc example, descending: 0.8 (+) P=1 R=1/2; 0.4 (-) P=1/2 R=1/2;
  // 0.35 (+) P=2/3 R=1; 0.1 (-) R=1. AP = 1/2 * 1 + 1/2 * 2/3 = 5/6.
  EXPECT_DOUBLE_EQ(
      average_precision(std::vector<double>{0.1, 0.4, 0.35, 0.8}, std::vector<int>{0, 0, 1, 1}),
      5.0 / 6);
  // 0.9 (+) P=1 R=1/2; the tied 0.5s (+, -) form one threshold: P=2/3 R=1. AP = 1/2 + 1/2 * 2/3.
  // Taking the tied positive first would give 1.0.
  EXPECT_DOUBLE_EQ(
      average_precision(std::vector<double>{0.9, 0.5, 0.5, 0.1}, std::vector<int>{1, 1, 0, 0}),
      5.0 / 6);
  // All tied: one threshold with P = prevalence, R = 1.
  EXPECT_DOUBLE_EQ(
      average_precision(std::vector<double>{0.4, 0.4, 0.4, 0.4}, std::vector<int>{1, 0, 0, 1}),
      0.5);
  // Every label positive: precision 1 everywhere. No positive label: NaN.
  EXPECT_DOUBLE_EQ(average_precision(std::vector<double>{0.1, 0.6}, std::vector<int>{1, 1}), 1.0);
  EXPECT_TRUE(std::isnan(average_precision(std::vector<double>{0.1, 0.6}, std::vector<int>{0, 0})));
}

TEST(BinaryCurves, OnePointPerDistinctThresholdAndThinning) {
  // Scores 0.9 (pos), 0.8 (neg), 0.8 (pos), 0.1 (neg): thresholds 0.9, 0.8, 0.1.
  const std::vector<double> p = {0.9, 0.8, 0.8, 0.1};
  const std::vector<int> y = {1, 0, 1, 0};
  const auto c = binary_curve(p, y);
  ASSERT_EQ(c.size(), 3u);
  EXPECT_DOUBLE_EQ(c[0].threshold, 0.9);
  EXPECT_DOUBLE_EQ(c[0].tpr, 0.5);
  EXPECT_DOUBLE_EQ(c[0].fpr, 0.0);
  EXPECT_DOUBLE_EQ(c[0].precision, 1.0);
  EXPECT_DOUBLE_EQ(c[1].tpr, 1.0);  // the tied pair enters together
  EXPECT_DOUBLE_EQ(c[1].fpr, 0.5);
  EXPECT_NEAR(c[1].precision, 2.0 / 3.0, 1e-12);
  EXPECT_DOUBLE_EQ(c[2].fpr, 1.0);
  EXPECT_TRUE(binary_curve(p, std::vector<int>{1, 1, 1, 1}).empty());  // one class: no curve
  std::vector<double> many(1000);
  std::vector<int> labels(1000);
  for (size_t i = 0; i < many.size(); ++i) {
    many[i] = static_cast<double>(i) / 1000.0;
    labels[i] = i % 3 == 0;
  }
  const auto thin = binary_curve(many, labels, 50);
  ASSERT_EQ(thin.size(), 50u);
  EXPECT_DOUBLE_EQ(thin.front().threshold, 0.999);
  EXPECT_DOUBLE_EQ(thin.back().fpr, 1.0);
  EXPECT_DOUBLE_EQ(thin.back().tpr, 1.0);
}

TEST(BinaryMetrics, LogLossAndBrier) {
  // -(ln 0.8 + ln 0.7) / 2; Brier (0.2^2 + 0.3^2) / 2 = 0.065.
  const std::vector<double> p = {0.8, 0.3};
  const std::vector<int> y = {1, 0};
  EXPECT_DOUBLE_EQ(log_loss(p, y), -(std::log(0.8) + std::log(0.7)) / 2);
  EXPECT_DOUBLE_EQ(brier_score(p, y), 0.065);
  // Clipping to [1e-15, 1 - 1e-15]: a confident miss costs -ln(1e-15) = 34.54, not infinity.
  EXPECT_DOUBLE_EQ(log_loss(std::vector<double>{0.0}, std::vector<int>{1}), -std::log(1e-15));
  EXPECT_NEAR(log_loss(std::vector<double>{1.0}, std::vector<int>{0}), 34.54, 0.01);
  const double hit = log_loss(std::vector<double>{1.0}, std::vector<int>{1});
  EXPECT_GT(hit, 0.0);
  EXPECT_LT(hit, 1e-14);
  EXPECT_DOUBLE_EQ(brier_score(std::vector<double>{1.0, 0.0}, std::vector<int>{0, 0}), 0.5);
}

// p >= 0.6 is positive: 0.9 (+) 0.6 (-) 0.6 (+) -> tp 2, fp 1; 0.4 (+) is a fn, 0.2 (-) a tn.
const std::vector<double> kThresholdP = {0.9, 0.6, 0.6, 0.4, 0.2};
const std::vector<int> kThresholdY = {1, 0, 1, 1, 0};

TEST(BinaryMetrics, MetricsAtAThreshold) {
  const ThresholdMetrics m = threshold_metrics(kThresholdP, kThresholdY, 0.6);
  EXPECT_EQ(m.tp, 2u);
  EXPECT_EQ(m.fp, 1u);
  EXPECT_EQ(m.fn, 1u);
  EXPECT_EQ(m.tn, 1u);
  EXPECT_DOUBLE_EQ(m.precision, 2.0 / 3);
  EXPECT_DOUBLE_EQ(m.recall, 2.0 / 3);
  EXPECT_DOUBLE_EQ(m.f1, 2.0 / 3);
  EXPECT_DOUBLE_EQ(m.accuracy, 3.0 / 5);
  // Nothing predicted positive: precision, recall and F1 are 0; accuracy = negatives / n.
  const ThresholdMetrics none = threshold_metrics(kThresholdP, kThresholdY, 0.95);
  EXPECT_EQ(none.precision, 0.0);
  EXPECT_EQ(none.recall, 0.0);
  EXPECT_EQ(none.f1, 0.0);
  EXPECT_DOUBLE_EQ(none.accuracy, 2.0 / 5);
}

TEST(BinaryMetrics, BestF1Threshold) {
  // Candidates: 0.9 -> F1 = 2/(2+0+2) = 1/2; 0.6 -> 4/6; 0.4 -> tp 3 fp 1: 6/7; 0.2 -> 6/8.
  const ThresholdMetrics best = best_f1_threshold(kThresholdP, kThresholdY);
  EXPECT_DOUBLE_EQ(best.threshold, 0.4);
  EXPECT_DOUBLE_EQ(best.f1, 6.0 / 7);
  EXPECT_EQ(best.tp, 3u);
  EXPECT_EQ(best.fp, 1u);
  // The sweep agrees with threshold_metrics at the chosen threshold.
  EXPECT_DOUBLE_EQ(threshold_metrics(kThresholdP, kThresholdY, best.threshold).f1, best.f1);
  // Equal F1: 0.9 -> tp 1, fn 1: 2/3; the tied 0.5s -> tp 2, fp 2: 4/6. The higher threshold wins.
  const ThresholdMetrics tie = best_f1_threshold(std::vector<double>{0.9, 0.5, 0.5, 0.5, 0.1},
                                                 std::vector<int>{1, 1, 0, 0, 0});
  EXPECT_DOUBLE_EQ(tie.threshold, 0.9);
  EXPECT_DOUBLE_EQ(tie.f1, 2.0 / 3);
  EXPECT_EQ(tie.tp, 1u);
  const ThresholdMetrics flat =
      best_f1_threshold(std::vector<double>{0.7, 0.7}, std::vector<int>{1, 0});
  EXPECT_DOUBLE_EQ(flat.threshold, 0.7);
  EXPECT_DOUBLE_EQ(flat.f1, 2.0 / 3);
}

TEST(BinaryMetrics, BadInputIsAUsageError) {
  const std::vector<double> p = {0.2, 0.8};
  const std::vector<int> y = {0, 1};
  expect_usage_error([&] { roc_auc(p, std::vector<int>{0, 1, 1}); });  // size mismatch
  expect_usage_error([&] { log_loss(std::vector<double>{}, std::vector<int>{}); });
  expect_usage_error([&] { average_precision(std::vector<double>{0.2, 1.5}, y); });
  expect_usage_error([&] { brier_score(std::vector<double>{-0.1, 0.5}, y); });
  expect_usage_error([&] { roc_auc(std::vector<double>{NAN, 0.5}, y); });
  expect_usage_error([&] { log_loss(p, std::vector<int>{0, 2}); });
  expect_usage_error([&] { threshold_metrics(p, y, NAN); });
  expect_usage_error([&] { best_f1_threshold(p, std::vector<int>{1}); });
}

// ---- calibration ----

TEST(Calibration, ReliabilityTableAndEceByHand) {
  // B = 5 bins of width 0.2. Bin 0: 0.1 (-): conf 0.1, acc 0. Bin 1: 0.2 (+; on the edge, so the
  // upper bin) and 0.35 (-): conf 0.275, acc 0.5. Bin 4: 0.9 (+) and 1.0 (+; 1.0 is in the last
  // bin): conf 0.95, acc 1. ECE = (1 * 0.1 + 2 * 0.225 + 2 * 0.05) / 5 = 0.13.
  const std::vector<double> p = {0.1, 0.2, 0.35, 0.9, 1.0};
  const std::vector<int> y = {0, 1, 0, 1, 1};
  const ReliabilityTable t = reliability_table(p, y, 5);
  ASSERT_EQ(t.bins.size(), 5u);
  EXPECT_EQ(t.cases, 5u);
  EXPECT_EQ(t.bins[0].count, 1u);
  EXPECT_EQ(t.bins[1].count, 2u);
  EXPECT_EQ(t.bins[2].count, 0u);
  EXPECT_EQ(t.bins[3].count, 0u);
  EXPECT_EQ(t.bins[4].count, 2u);
  EXPECT_DOUBLE_EQ(t.bins[1].lower, 0.2);
  EXPECT_DOUBLE_EQ(t.bins[1].upper, 0.4);
  EXPECT_DOUBLE_EQ(t.bins[1].mean_confidence, 0.275);
  EXPECT_DOUBLE_EQ(t.bins[1].accuracy, 0.5);
  EXPECT_DOUBLE_EQ(t.bins[4].mean_confidence, 0.95);
  EXPECT_DOUBLE_EQ(t.bins[4].accuracy, 1.0);
  EXPECT_NEAR(t.ece, 0.13, 1e-15);
  EXPECT_NEAR(expected_calibration_error(p, y, 5), 0.13, 1e-15);
  EXPECT_EQ(reliability_table(p, y).bins.size(), 15u);  // the default
}

TEST(Calibration, PerfectlyCalibratedInputHasZeroEce) {
  // 0.25 four times with one positive, 0.75 four times with three: every bin's accuracy equals
  // its mean confidence.
  const std::vector<double> p = {0.25, 0.25, 0.25, 0.25, 0.75, 0.75, 0.75, 0.75};
  const std::vector<int> y = {1, 0, 0, 0, 1, 1, 0, 1};
  EXPECT_EQ(expected_calibration_error(p, y), 0.0);
  EXPECT_EQ(expected_calibration_error(p, y, 1), 0.0);  // one bin: |mean p - mean y| = |0.5 - 0.5|
  // Flip one label and it is not.
  const std::vector<int> off = {1, 1, 0, 0, 1, 1, 0, 1};
  EXPECT_DOUBLE_EQ(expected_calibration_error(p, off), 0.125);  // 4/8 * |0.5 - 0.25|
}

TEST(Calibration, BadInputIsAUsageError) {
  const std::vector<double> p = {0.2, 0.8};
  const std::vector<int> y = {0, 1};
  expect_usage_error([&] { reliability_table(p, y, 0); });
  expect_usage_error([&] { expected_calibration_error(p, std::vector<int>{0}); });
  expect_usage_error([&] { expected_calibration_error(std::vector<double>{0.2, NAN}, y); });
  expect_usage_error([&] { TemperatureScaler().fit_binary(std::vector<double>{1.2, 0.5}, y); });
  expect_usage_error([&] {
    TemperatureScaler().fit(std::vector<float>{0, 1, 2}, 2, std::vector<uint32_t>{0, 1});
  });
  expect_usage_error([&] {
    TemperatureScaler().fit(std::vector<float>{0, 1, 2, 3}, 2, std::vector<uint32_t>{0, 2});
  });
  expect_usage_error([&] {
    TemperatureScaler().fit(std::vector<float>{0, NAN}, 2, std::vector<uint32_t>{0});
  });
  IsotonicCalibrator iso;
  expect_usage_error([&] { iso.apply(0.5); });  // not fitted
  expect_usage_error([&] { iso.fit(p, std::vector<double>{0.5}); });
  expect_usage_error([&] { iso.fit(p, std::vector<double>{0.5, 1.5}); });
  expect_usage_error([&] { iso.fit(std::vector<double>{INFINITY, 0.5}, y); });
  expect_usage_error([&] { iso.fit(p, std::vector<int>{0, 3}); });
  iso.fit(p, y);
  expect_usage_error([&] { iso.apply(NAN); });
}

// Logits [n, c] with entries 2.5 * N(0, 1), labels drawn from softmax(logits / t_true): a model
// whose logits are too sharp by t_true.
void synthetic_multiclass(size_t n, size_t c, double t_true, uint64_t seed,
                          std::vector<float>* logits, std::vector<uint32_t>* labels) {
  Rng rng(seed);
  std::vector<double> w(c);
  for (size_t i = 0; i < n; ++i) {
    double sum = 0;
    for (size_t j = 0; j < c; ++j) {
      logits->push_back(static_cast<float>(2.5 * rng.normal()));
      w[j] = std::exp(logits->back() / t_true);
      sum += w[j];
    }
    double u = rng.uniform() * sum;
    uint32_t label = 0;
    while (label + 1 < c && u >= w[label]) u -= w[label++];
    labels->push_back(label);
  }
}

TEST(Calibration, TemperatureFitRecoversAPlantedTemperature) {
  for (double t_true : {0.5, 1.0, 2.0}) {
    std::vector<float> logits;
    std::vector<uint32_t> labels;
    synthetic_multiclass(20000, 5, t_true, 42, &logits, &labels);
    TemperatureScaler scaler;
    scaler.fit(logits, 5, labels);
    EXPECT_NEAR(scaler.temperature(), t_true, 0.05 * t_true) << "planted T " << t_true;
    // apply() is softmax(logits / T), row by row.
    const std::vector<float> probs = scaler.apply(logits, 5);
    ASSERT_EQ(probs.size(), logits.size());
    double sum = 0;
    for (size_t j = 0; j < 5; ++j) sum += std::exp(logits[j] / scaler.temperature());
    for (size_t j = 0; j < 5; ++j)
      EXPECT_NEAR(probs[j], std::exp(logits[j] / scaler.temperature()) / sum, 1e-6);
    // The fitted T lowers the NLL below T = 1 (or matches it when 1 is the truth).
    std::vector<float> raw = TemperatureScaler().apply(logits, 5);
    EXPECT_LE(multiclass_log_loss(probs, 5, labels), multiclass_log_loss(raw, 5, labels) + 1e-9);
  }
}

TEST(Calibration, BinaryTemperatureFitRecoversAPlantedTemperature) {
  // The model reports p = sigmoid(z); the truth is sigmoid(z / 0.5): under-confident by 2.
  Rng rng(7);
  std::vector<double> p;
  std::vector<int> y;
  for (int i = 0; i < 20000; ++i) {
    const double z = 1.5 * rng.normal();
    p.push_back(sigmoid(z));
    y.push_back(rng.bernoulli(sigmoid(z / 0.5)) ? 1 : 0);
  }
  TemperatureScaler scaler;
  scaler.fit_binary(p, y);
  EXPECT_NEAR(scaler.temperature(), 0.5, 0.025);
  const std::vector<double> q = scaler.apply_binary(p);
  EXPECT_NEAR(q[0], sigmoid(std::log(p[0] / (1 - p[0])) / scaler.temperature()), 1e-12);
  EXPECT_LT(log_loss(q, y), log_loss(p, y));
  EXPECT_LT(expected_calibration_error(q, y), expected_calibration_error(p, y));
}

TEST(Calibration, TemperatureStopsAtItsBounds) {
  // One case, right and separable: the NLL log(1 + e^(-1/T)) falls as T -> 0.
  TemperatureScaler scaler;
  scaler.fit(std::vector<float>{1, 0}, 2, std::vector<uint32_t>{0});
  EXPECT_NEAR(scaler.temperature(), TemperatureScaler::kMinTemperature, 1e-6);
  // Wrong with a confident score: it rises as T -> 0 and falls toward log 2 as T -> inf.
  scaler.fit(std::vector<float>{1, 0}, 2, std::vector<uint32_t>{1});
  EXPECT_NEAR(scaler.temperature(), TemperatureScaler::kMaxTemperature, 1e-3);
}

TEST(Calibration, IsotonicIsIdentityOnMonotoneData) {
  const std::vector<double> x = {0.1, 0.2, 0.3, 0.4, 0.6};
  const std::vector<double> t = {0.0, 0.2, 0.2, 0.7, 1.0};
  IsotonicCalibrator iso;
  iso.fit(x, t);
  EXPECT_EQ(iso.knot_x(), x);
  EXPECT_EQ(iso.knot_y(), t);
  for (size_t i = 0; i < x.size(); ++i) EXPECT_EQ(iso.apply(x[i]), t[i]);
  // Linear between fitted points, clipped outside them.
  EXPECT_DOUBLE_EQ(iso.apply(0.5), 0.85);
  EXPECT_EQ(iso.apply(-3.0), 0.0);
  EXPECT_EQ(iso.apply(0.9), 1.0);
}

TEST(Calibration, IsotonicPoolsViolatorsAndTies) {
  // Labels 0 1 0 1 1 at x = 1..5: (1, 0) at x = 2, 3 violate and pool to 0.5.
  IsotonicCalibrator iso;
  iso.fit(std::vector<double>{3, 1, 2, 5, 4}, std::vector<int>{0, 0, 1, 1, 1});
  EXPECT_EQ(iso.knot_y(), (std::vector<double>{0, 0.5, 0.5, 1, 1}));
  EXPECT_DOUBLE_EQ(iso.apply(1.5), 0.25);  // halfway between (1, 0) and (2, 0.5)
  EXPECT_DOUBLE_EQ(iso.apply(2.7), 0.5);
  EXPECT_DOUBLE_EQ(iso.apply(3.5), 0.75);
  // Tied scores are pooled before PAV: x = 2 twice with labels (1, 0) is one knot at 0.5.
  iso.fit(std::vector<double>{1, 2, 2, 3}, std::vector<int>{0, 1, 0, 1});
  EXPECT_EQ(iso.knot_x(), (std::vector<double>{1, 2, 3}));
  EXPECT_EQ(iso.knot_y(), (std::vector<double>{0, 0.5, 1}));
  // Pooled ties that violate: x = 1 (0, 1) -> 1/2 with weight 2, x = 2 (0) -> all three at 1/3.
  iso.fit(std::vector<double>{1, 1, 2}, std::vector<int>{0, 1, 0});
  ASSERT_EQ(iso.knot_y().size(), 2u);
  EXPECT_DOUBLE_EQ(iso.knot_y()[0], 1.0 / 3);
  EXPECT_DOUBLE_EQ(iso.knot_y()[1], 1.0 / 3);
}

TEST(Calibration, IsotonicOnRandomDataIsMonotoneAndKeepsTheMean) {
  Rng rng(3);
  std::vector<double> x;
  std::vector<int> y;
  for (int i = 0; i < 2000; ++i) {
    x.push_back(static_cast<double>(rng.below(200)) / 200.0);
    y.push_back(rng.bernoulli(x.back() * x.back()) ? 1 : 0);
  }
  IsotonicCalibrator iso;
  iso.fit(x, y);
  for (size_t k = 1; k < iso.knot_y().size(); ++k) EXPECT_LE(iso.knot_y()[k - 1], iso.knot_y()[k]);
  // PAV keeps each pooled block's mean, so the fitted values average to the label mean.
  const std::vector<double> fitted = iso.apply(x);
  double fitted_sum = 0, label_sum = 0;
  for (size_t i = 0; i < x.size(); ++i) fitted_sum += fitted[i], label_sum += y[i];
  EXPECT_NEAR(fitted_sum, label_sum, 1e-9);
  // And it does not calibrate worse than the raw score on its own fitting data.
  EXPECT_LE(brier_score(fitted, y), brier_score(x, y));
}

// ---- multiclass ----

// Case 0: true class 0 at 0.7, top -> rank 1. Case 1: true class 1 at 0.3 below 0.5 -> rank 2.
// Case 2: true class 0 at 0.4 tied with class 1 -> rank 2 (conservative).
const std::vector<float> kProbs = {0.7f, 0.2f, 0.1f, 0.5f, 0.3f, 0.2f, 0.4f, 0.4f, 0.2f};
const std::vector<uint32_t> kLabels = {0, 1, 0};

TEST(MulticlassMetrics, GoldenValuesWithConservativeTies) {
  EXPECT_NEAR(multiclass_log_loss(kProbs, 3, kLabels),
              -(std::log(0.7) + std::log(0.3) + std::log(0.4)) / 3, 1e-6);
  EXPECT_DOUBLE_EQ(multiclass_accuracy(kProbs, 3, kLabels), 1.0 / 3);
  EXPECT_DOUBLE_EQ(hit_rate_at_k(kProbs, 3, kLabels, 1), 1.0 / 3);
  EXPECT_DOUBLE_EQ(hit_rate_at_k(kProbs, 3, kLabels, 2), 1.0);
  EXPECT_DOUBLE_EQ(hit_rate_at_k(kProbs, 3, kLabels, 10), 1.0);
  EXPECT_DOUBLE_EQ(mrr_at_k(kProbs, 3, kLabels, 1), 1.0 / 3);
  EXPECT_DOUBLE_EQ(mrr_at_k(kProbs, 3, kLabels, 2), (1.0 + 0.5 + 0.5) / 3);
  // The same rank as eval/rank.h's conservative rank among the other classes.
  const std::vector<float> row2 = {0.4f, 0.4f, 0.2f};
  EXPECT_EQ(true_class_rank(row2, 0), 2u);
  EXPECT_DOUBLE_EQ(rank_among(0.4f, std::vector<float>{0.4f, 0.2f}, TieMode::kConservative), 2.0);
  // All classes tied: the true class ranks last.
  EXPECT_EQ(true_class_rank(std::vector<float>{0.25f, 0.25f, 0.25f, 0.25f}, 1), 4u);
}

TEST(MulticlassMetrics, TopLabelEce) {
  // Confidences 0.7 (right), 0.5 (wrong), 0.4 (wrong: a shared top is not right), each alone in
  // its bin: ECE = (0.3 + 0.5 + 0.4) / 3 = 0.4.
  EXPECT_NEAR(top_label_ece(kProbs, 3, kLabels), 0.4, 1e-6);
  const ReliabilityTable t = top_label_reliability(kProbs, 3, kLabels, 10);
  uint64_t cases = 0;
  for (const ReliabilityBin& b : t.bins) cases += b.count;
  EXPECT_EQ(cases, 3u);
  EXPECT_NEAR(t.ece, 0.4, 1e-6);
  // Rows whose top probability equals their accuracy: ECE 0. Two cases at top 0.5, one right.
  const std::vector<float> half = {0.5f, 0.3f, 0.2f, 0.5f, 0.3f, 0.2f};
  EXPECT_EQ(top_label_ece(half, 3, std::vector<uint32_t>{0, 2}), 0.0);
}

TEST(MulticlassMetrics, BadInputIsAUsageError) {
  expect_usage_error([&] { multiclass_accuracy(kProbs, 4, kLabels); });  // 9 values, 3 x 4
  expect_usage_error([&] { multiclass_log_loss(kProbs, 3, std::vector<uint32_t>{0, 1}); });
  expect_usage_error([&] { hit_rate_at_k(kProbs, 3, std::vector<uint32_t>{0, 3, 1}, 1); });
  expect_usage_error([&] { mrr_at_k(kProbs, 3, kLabels, 0); });
  expect_usage_error([&] {
    multiclass_log_loss(std::vector<float>{1.5f, -0.5f}, 2, std::vector<uint32_t>{0});
  });
  expect_usage_error([&] {
    multiclass_accuracy(std::vector<float>{NAN, 0.5f}, 2, std::vector<uint32_t>{0});
  });
  expect_usage_error([&] {  // logits passed as probabilities: rows do not sum to 1
    top_label_ece(std::vector<float>{0.9f, 0.8f}, 2, std::vector<uint32_t>{0});
  });
  expect_usage_error([&] { top_label_ece(kProbs, 3, kLabels, 0); });
  expect_usage_error([&] { multiclass_accuracy({}, 3, std::vector<uint32_t>{}); });
}

}  // namespace
}  // namespace kairos::eval

namespace kairos::eval {
namespace {

// Three classes; a model whose top probability is 0.95 but right 80 % of the time, and 0.4 but
// right 70 %: no temperature fixes both, the top-label map does.
TEST(TopLabelCalibrator, BendsTheConfidenceCurveAndKeepsRanks) {
  std::vector<float> probs;
  std::vector<uint32_t> labels;
  for (int i = 0; i < 1000; ++i) {
    const bool sure = i % 2 == 0;
    const std::vector<float> row =
        sure ? std::vector<float>{0.95f, 0.03f, 0.02f} : std::vector<float>{0.4f, 0.35f, 0.25f};
    probs.insert(probs.end(), row.begin(), row.end());
    const int right_in_10 = sure ? 8 : 7;
    labels.push_back(i / 2 % 10 < right_in_10 ? 0 : 1);
  }
  TopLabelCalibrator c;
  c.fit(probs, 3, labels);
  std::vector<double> top;
  std::vector<int> right;
  for (size_t i = 0; i < labels.size(); ++i) {
    std::vector<float> row(probs.begin() + i * 3, probs.begin() + i * 3 + 3);
    c.apply(row);
    EXPECT_NEAR(row[0] + row[1] + row[2], 1.0, 1e-5);
    EXPECT_GT(row[0], row[1]);  // the top stays on top
    EXPECT_GT(row[1], row[2]);
    top.push_back(row[0]);
    right.push_back(labels[i] == 0 ? 1 : 0);
  }
  EXPECT_NEAR(top[0], 0.8, 1e-6);
  EXPECT_NEAR(top[1], 0.7, 1e-6);
  EXPECT_LT(expected_calibration_error(top, right), 1e-6);
  // Saved and restored through its curve.
  const TopLabelCalibrator back = TopLabelCalibrator::from_curve(
      IsotonicCalibrator::from_knots(c.curve().knot_x(), c.curve().knot_y()));
  std::vector<float> a = {0.4f, 0.35f, 0.25f}, b = a;
  c.apply(a);
  back.apply(b);
  EXPECT_EQ(a, b);
}

// A top pulled down below its runner-up would change the ranking: it stops at the runner-up.
TEST(TopLabelCalibrator, NeverDropsTheTopBelowTheRunnerUp) {
  std::vector<float> probs = {0.5f, 0.45f, 0.05f, 0.5f, 0.45f, 0.05f};
  std::vector<uint32_t> labels = {1, 1};  // the top is always wrong: the curve says 0
  TopLabelCalibrator c;
  c.fit(probs, 3, labels);
  std::vector<float> row = {0.5f, 0.45f, 0.05f};
  c.apply(row);
  EXPECT_GT(row[0], row[1]);
  EXPECT_NEAR(row[0] + row[1] + row[2], 1.0, 1e-5);
}

}  // namespace
}  // namespace kairos::eval
