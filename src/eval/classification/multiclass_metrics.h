// Multiclass metrics for predicted class distributions (category interest, next action):
// `probs` is row-major [n, num_classes] (one distribution per case, as models emit them in
// float), `labels` holds n class ids < num_classes. Torch-free; double accumulation.
// docs/PROTOCOLS.md ("Classification and calibration metrics") has the formulas and decisions.
//
// Every function here throws kairos::Error (kUsage) unless n > 0, probs.size() == n * num_classes,
// every label < num_classes, every probability is finite and in [0, 1] and every row sums to 1
// within kRowSumTolerance (which catches logits passed by mistake).
#pragma once

#include <cstdint>
#include <span>

#include "eval/classification/calibration.h"

namespace kairos::eval {

constexpr double kRowSumTolerance = 1e-3;

// Throws kUsage unless num_classes > 0, labels is non-empty, values.size() == labels.size() *
// num_classes, every label < num_classes and every value is finite (logits or probabilities).
void check_class_matrix(std::span<const float> values, size_t num_classes,
                        std::span<const uint32_t> labels);

// The 1-based rank of the true class in its row, conservative ties (as TieMode::kConservative in
// eval/rank.h): 1 + the number of other classes with a probability >= the true class's.
uint32_t true_class_rank(std::span<const float> row, uint32_t label);

// Mean of -ln(probs[i, label_i]), the probability clipped to [1e-15, 1 - 1e-15] (rows are not
// renormalised).
double multiclass_log_loss(std::span<const float> probs, size_t num_classes,
                           std::span<const uint32_t> labels);

// Share of cases whose true class ranks 1 — with conservative ties, a case whose top probability
// is shared with another class is wrong. Equals hit_rate_at_k(..., 1).
double multiclass_accuracy(std::span<const float> probs, size_t num_classes,
                           std::span<const uint32_t> labels);

// HR@K = share of cases whose true class ranks <= k; MRR@K = mean of 1/rank if rank <= k, else 0.
// k >= 1 (k >= num_classes counts every case as a hit).
double hit_rate_at_k(std::span<const float> probs, size_t num_classes,
                     std::span<const uint32_t> labels, uint32_t k);
double mrr_at_k(std::span<const float> probs, size_t num_classes, std::span<const uint32_t> labels,
                uint32_t k);

// Top-label calibration: confidence = the row's largest probability, outcome = 1 if the true
// class ranks 1 (as multiclass_accuracy), binned by reliability_table().
ReliabilityTable top_label_reliability(std::span<const float> probs, size_t num_classes,
                                       std::span<const uint32_t> labels,
                                       int num_bins = kDefaultCalibrationBins);
double top_label_ece(std::span<const float> probs, size_t num_classes,
                     std::span<const uint32_t> labels, int num_bins = kDefaultCalibrationBins);

}  // namespace kairos::eval
