// Ranking metrics at cut-offs, computed from target ranks (docs/PROTOCOLS.md has the formulas).
// No model or LibTorch dependency. For one target, HR@K = Recall@K (the SR-GNN papers' "P@K").
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace kairos::eval {

// The metrics of one case at one cut-off K.
struct CaseMetrics {
  double hr = 0;         // any target within the top K
  double recall = 0;     // share of the targets within the top K
  double mrr = 0;        // 1 / rank of the best-ranked target, if within K
  double ndcg = 0;       // DCG of the targets within K / ideal DCG
  double precision = 0;  // targets within K / K
  double map = 0;        // average precision at K
};

// `ranks`: the 1-based ranks of a case's distinct targets (any order; median ranks may be x.5).
CaseMetrics case_metrics(std::vector<double> ranks, int k);

// The metric names reported per cut-off, in table order.
const std::vector<std::string>& metric_names();  // HR, MRR, NDCG, Recall, Precision, MAP
double metric_value(const CaseMetrics& m, size_t name_index);

// Coverage@K = distinct items appearing in any top-K list / catalogue items (padding excluded).
// Merging per-thread copies is an OR, so the result does not depend on the thread count.
class Coverage {
 public:
  explicit Coverage(uint32_t num_items) : seen_(num_items, 0) {}
  void add(std::span<const uint32_t> top_list);
  void merge(const Coverage& other);
  double value() const;

 private:
  std::vector<uint8_t> seen_;
};

// Popularity of one top-K list: the mean of its items' normalized training popularity
// (count / count of the most popular item; 1.0 = the single most popular item). Popularity@K is
// its mean over cases.
double list_popularity(std::span<const uint32_t> top_list,
                       std::span<const double> normalized_popularity);

}  // namespace kairos::eval
