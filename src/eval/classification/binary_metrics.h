// Binary classification metrics for predicted probabilities p[i] = P(y = 1) and 0/1 labels
// (e.g. purchase intent: P(session ends in a purchase)). Torch-free; double accumulation.
// docs/PROTOCOLS.md ("Classification and calibration metrics") has the formulas and decisions.
//
// Every function takes `p` (size n, each finite and in [0, 1]) and `y` (size n, each 0 or 1),
// n > 0, and throws kairos::Error (kUsage) otherwise.
#pragma once

#include <cstdint>
#include <span>

namespace kairos::eval {

// Throws kUsage unless p and y have the same size n > 0, every p is finite and in [0, 1] and
// every y is 0 or 1. The check behind every function here and in calibration.h.
void check_binary_input(std::span<const double> p, std::span<const int> y);

// ROC-AUC by Mann-Whitney: (sum of the positives' ranks - n1 (n1 + 1) / 2) / (n1 n0), ranks
// ascending by p with tied scores given their average rank (a tied positive/negative pair counts
// 1/2). NaN when only one class is present (undefined, not a usage error: a small split can lack
// positives). O(n log n).
double roc_auc(std::span<const double> p, std::span<const int> y);

// PR-AUC as average precision (scikit-learn's average_precision_score): sum over the distinct
// scores t, descending, of (R(t) - R(previous t)) * P(t), where P and R are the precision and
// recall of "p >= t" — equal scores form one threshold. NaN when no label is positive.
double average_precision(std::span<const double> p, std::span<const int> y);

// Mean negative log-likelihood, natural log, p clipped to [1e-15, 1 - 1e-15].
double log_loss(std::span<const double> p, std::span<const int> y);

// Mean (p - y)^2.
double brier_score(std::span<const double> p, std::span<const int> y);

// The confusion counts and metrics of "p >= threshold is positive". Precision with no predicted
// positives, recall with no actual positives, and F1 when both are 0 are 0 (scikit-learn's
// zero_division = 0).
struct ThresholdMetrics {
  double threshold = 0;
  uint64_t tp = 0, fp = 0, tn = 0, fn = 0;
  double precision = 0;  // tp / (tp + fp)
  double recall = 0;     // tp / (tp + fn)
  double f1 = 0;         // 2 tp / (2 tp + fp + fn)
  double accuracy = 0;   // (tp + tn) / n
};
ThresholdMetrics threshold_metrics(std::span<const double> p, std::span<const int> y,
                                   double threshold);  // threshold: not NaN

// The threshold that maximises F1 on (p, y), with its metrics there. Candidates are the distinct
// values of p (so the threshold is one of the scores, as in scikit-learn's precision_recall_curve);
// among equal F1 the highest threshold wins (with no positive label every F1 is 0 and the
// threshold is max p). Choose it on validation, apply it on test with threshold_metrics().
// O(n log n).
ThresholdMetrics best_f1_threshold(std::span<const double> p, std::span<const int> y);

}  // namespace kairos::eval
