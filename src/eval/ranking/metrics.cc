#include "eval/ranking/metrics.h"

#include <algorithm>
#include <cmath>

namespace kairos::eval {

CaseMetrics case_metrics(std::vector<double> ranks, int k) {
  CaseMetrics m;
  if (ranks.empty() || k <= 0) return m;
  std::sort(ranks.begin(), ranks.end());
  const double kk = k;
  double dcg = 0, ap = 0;
  int hits = 0;
  for (double r : ranks) {
    if (r > kk) break;
    ++hits;
    dcg += 1.0 / std::log2(r + 1.0);
    ap += hits / r;  // precision at the hit's rank
  }
  double idcg = 0;
  const size_t ideal = std::min<size_t>(ranks.size(), static_cast<size_t>(k));
  for (size_t i = 0; i < ideal; ++i) idcg += 1.0 / std::log2(static_cast<double>(i) + 2.0);
  m.hr = hits > 0 ? 1.0 : 0.0;
  m.recall = static_cast<double>(hits) / static_cast<double>(ranks.size());
  m.mrr = hits > 0 ? 1.0 / ranks.front() : 0.0;
  m.ndcg = dcg / idcg;
  m.precision = hits / kk;
  m.map = ap / static_cast<double>(ideal);
  return m;
}

const std::vector<std::string>& metric_names() {
  static const std::vector<std::string> names = {"HR", "MRR", "NDCG", "Recall", "Precision", "MAP"};
  return names;
}

double metric_value(const CaseMetrics& m, size_t name_index) {
  switch (name_index) {
    case 0:
      return m.hr;
    case 1:
      return m.mrr;
    case 2:
      return m.ndcg;
    case 3:
      return m.recall;
    case 4:
      return m.precision;
    default:
      return m.map;
  }
}

void Coverage::add(std::span<const uint32_t> top_list) {
  for (uint32_t i : top_list) seen_[i] = 1;
}

void Coverage::merge(const Coverage& other) {
  for (size_t i = 0; i < seen_.size(); ++i) seen_[i] |= other.seen_[i];
}

double Coverage::value() const {
  if (seen_.size() <= 1) return 0;
  uint64_t n = 0;
  for (size_t i = 1; i < seen_.size(); ++i) n += seen_[i];
  return static_cast<double>(n) / static_cast<double>(seen_.size() - 1);
}

double list_popularity(std::span<const uint32_t> top_list,
                       std::span<const double> normalized_popularity) {
  if (top_list.empty()) return 0;
  double sum = 0;
  for (uint32_t i : top_list)
    sum += i < normalized_popularity.size() ? normalized_popularity[i] : 0;
  return sum / static_cast<double>(top_list.size());
}

}  // namespace kairos::eval
