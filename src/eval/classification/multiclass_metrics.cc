#include "eval/classification/multiclass_metrics.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/error.h"

namespace kairos::eval {
namespace {

constexpr double kClip = 1e-15;  // as the binary log-loss

void check_probabilities(std::span<const float> probs, size_t num_classes,
                         std::span<const uint32_t> labels) {
  check_class_matrix(probs, num_classes, labels);
  for (size_t i = 0; i < labels.size(); ++i) {
    double sum = 0;
    for (size_t j = 0; j < num_classes; ++j) {
      const float p = probs[i * num_classes + j];
      KAIROS_CHECK_USAGE(p >= 0.0f && p <= 1.0f,
                         "probability {} of case {}, class {} not in [0, 1]", p, i, j);
      sum += p;
    }
    KAIROS_CHECK_USAGE(std::abs(sum - 1.0) <= kRowSumTolerance,
                       "the probabilities of case {} sum to {}, not 1", i, sum);
  }
}

// Calls f(row, label) for every case after checking the input.
template <typename F>
void for_each_case(std::span<const float> probs, size_t num_classes,
                   std::span<const uint32_t> labels, F f) {
  check_probabilities(probs, num_classes, labels);
  for (size_t i = 0; i < labels.size(); ++i)
    f(probs.subspan(i * num_classes, num_classes), labels[i]);
}

}  // namespace

void check_class_matrix(std::span<const float> values, size_t num_classes,
                        std::span<const uint32_t> labels) {
  KAIROS_CHECK_USAGE(num_classes > 0, "the number of classes must be > 0");
  KAIROS_CHECK_USAGE(!labels.empty(), "no cases to score");
  KAIROS_CHECK_USAGE(values.size() == labels.size() * num_classes,
                     "{} values are not {} cases x {} classes", values.size(), labels.size(),
                     num_classes);
  for (size_t i = 0; i < labels.size(); ++i)
    KAIROS_CHECK_USAGE(labels[i] < num_classes, "label {} of case {} is not below {} classes",
                       labels[i], i, num_classes);
  for (size_t i = 0; i < values.size(); ++i)
    KAIROS_CHECK_USAGE(std::isfinite(values[i]), "value {} of case {}, class {} is not finite",
                       values[i], i / num_classes, i % num_classes);
}

uint32_t true_class_rank(std::span<const float> row, uint32_t label) {
  KAIROS_CHECK_USAGE(label < row.size(), "label {} is not below {} classes", label, row.size());
  uint32_t rank = 1;
  for (size_t j = 0; j < row.size(); ++j) rank += j != label && row[j] >= row[label];
  return rank;
}

double multiclass_log_loss(std::span<const float> probs, size_t num_classes,
                           std::span<const uint32_t> labels) {
  double sum = 0;
  for_each_case(probs, num_classes, labels, [&](std::span<const float> row, uint32_t label) {
    sum -= std::log(std::clamp(static_cast<double>(row[label]), kClip, 1.0 - kClip));
  });
  return sum / static_cast<double>(labels.size());
}

double multiclass_accuracy(std::span<const float> probs, size_t num_classes,
                           std::span<const uint32_t> labels) {
  return hit_rate_at_k(probs, num_classes, labels, 1);
}

double hit_rate_at_k(std::span<const float> probs, size_t num_classes,
                     std::span<const uint32_t> labels, uint32_t k) {
  KAIROS_CHECK_USAGE(k >= 1, "the cut-off K must be >= 1");
  uint64_t hits = 0;
  for_each_case(probs, num_classes, labels, [&](std::span<const float> row, uint32_t label) {
    hits += true_class_rank(row, label) <= k;
  });
  return static_cast<double>(hits) / static_cast<double>(labels.size());
}

double mrr_at_k(std::span<const float> probs, size_t num_classes, std::span<const uint32_t> labels,
                uint32_t k) {
  KAIROS_CHECK_USAGE(k >= 1, "the cut-off K must be >= 1");
  double sum = 0;
  for_each_case(probs, num_classes, labels, [&](std::span<const float> row, uint32_t label) {
    const uint32_t rank = true_class_rank(row, label);
    if (rank <= k) sum += 1.0 / rank;
  });
  return sum / static_cast<double>(labels.size());
}

ReliabilityTable top_label_reliability(std::span<const float> probs, size_t num_classes,
                                       std::span<const uint32_t> labels, int num_bins) {
  std::vector<double> confidence;
  std::vector<int> correct;
  confidence.reserve(labels.size());
  correct.reserve(labels.size());
  for_each_case(probs, num_classes, labels, [&](std::span<const float> row, uint32_t label) {
    confidence.push_back(*std::max_element(row.begin(), row.end()));
    correct.push_back(true_class_rank(row, label) == 1 ? 1 : 0);
  });
  return reliability_table(confidence, correct, num_bins);
}

double top_label_ece(std::span<const float> probs, size_t num_classes,
                     std::span<const uint32_t> labels, int num_bins) {
  return top_label_reliability(probs, num_classes, labels, num_bins).ece;
}

}  // namespace kairos::eval
