#include "eval/paired_bootstrap.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>

#include "core/error.h"
#include "core/rng.h"

namespace kairos::eval {
namespace {

// Cluster ids renumbered 0..k-1.
std::vector<uint32_t> dense_clusters(const std::vector<uint32_t>& cluster, uint32_t* count) {
  std::unordered_map<uint32_t, uint32_t> index;
  std::vector<uint32_t> out(cluster.size());
  for (size_t i = 0; i < cluster.size(); ++i)
    out[i] = index.try_emplace(cluster[i], static_cast<uint32_t>(index.size())).first->second;
  *count = static_cast<uint32_t>(index.size());
  return out;
}

// ROC-AUC of scores visited in ascending `order`, each case weighted by w (the Mann-Whitney
// statistic with weights; ties count one half). NaN without both classes.
double weighted_auc(const std::vector<double>& score, const std::vector<int>& y,
                    const std::vector<uint32_t>& order, const std::vector<double>& w) {
  double neg_below = 0, pos_total = 0, sum = 0;
  for (size_t k = 0; k < order.size();) {
    size_t end = k;
    double pos = 0, neg = 0;
    while (end < order.size() && score[order[end]] == score[order[k]]) {
      const uint32_t i = order[end++];
      (y[i] ? pos : neg) += w[i];
    }
    sum += pos * (neg_below + 0.5 * neg);
    neg_below += neg;
    pos_total += pos;
    k = end;
  }
  if (pos_total == 0 || neg_below == 0) return NAN;
  return sum / (pos_total * neg_below);
}

std::vector<uint32_t> ascending(const std::vector<double>& score) {
  std::vector<uint32_t> order(score.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t i, uint32_t j) { return score[i] < score[j]; });
  return order;
}

// The percentile interval of `values` (sorted here) around `value`.
PairedDifference summary(double value, std::vector<double> values) {
  PairedDifference d;
  d.value = value;
  d.resamples = static_cast<uint32_t>(values.size());
  if (values.empty()) {
    d.low = d.high = NAN;
    return d;
  }
  std::sort(values.begin(), values.end());
  auto at = [&](double q) {
    return values[static_cast<size_t>(q * static_cast<double>(values.size() - 1))];
  };
  d.low = at(0.025);
  d.high = at(0.975);
  return d;
}

// Case weights of one resample: each case weighs as often as its cluster was drawn.
void resample_weights(const std::vector<uint32_t>& dense, uint32_t clusters, Rng& rng,
                      std::vector<double>* drawn, std::vector<double>* w) {
  drawn->assign(clusters, 0.0);
  for (uint32_t c = 0; c < clusters; ++c) (*drawn)[rng.below(clusters)] += 1.0;
  for (size_t i = 0; i < dense.size(); ++i) (*w)[i] = (*drawn)[dense[i]];
}

}  // namespace

PairedDifference paired_auc_difference(const std::vector<double>& a, const std::vector<double>& b,
                                       const std::vector<int>& y,
                                       const std::vector<uint32_t>& cluster, uint32_t resamples,
                                       uint64_t seed) {
  KAIROS_CHECK(a.size() == y.size() && b.size() == y.size() && cluster.size() == y.size(),
               "paired ROC-AUC: {} / {} scores, {} labels, {} clusters", a.size(), b.size(),
               y.size(), cluster.size());
  uint32_t clusters = 0;
  const std::vector<uint32_t> dense = dense_clusters(cluster, &clusters);
  const std::vector<uint32_t> order_a = ascending(a), order_b = ascending(b);
  std::vector<double> w(y.size(), 1.0), drawn, diffs;
  const double value = weighted_auc(a, y, order_a, w) - weighted_auc(b, y, order_b, w);
  for (uint32_t r = 0; r < resamples && clusters > 0; ++r) {
    Rng rng = Rng::derive(seed, r);
    resample_weights(dense, clusters, rng, &drawn, &w);
    const double d = weighted_auc(a, y, order_a, w) - weighted_auc(b, y, order_b, w);
    if (!std::isnan(d)) diffs.push_back(d);
  }
  return summary(value, std::move(diffs));
}

PairedDifference paired_mean_difference(const std::vector<double>& a, const std::vector<double>& b,
                                        const std::vector<uint32_t>& cluster, uint32_t resamples,
                                        uint64_t seed) {
  KAIROS_CHECK(a.size() == b.size() && cluster.size() == a.size(),
               "paired mean: {} / {} values, {} clusters", a.size(), b.size(), cluster.size());
  uint32_t clusters = 0;
  const std::vector<uint32_t> dense = dense_clusters(cluster, &clusters);
  // Per cluster: the sum of the differences and the number of cases.
  std::vector<double> sum(clusters, 0.0), count(clusters, 0.0);
  double total = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    sum[dense[i]] += a[i] - b[i];
    count[dense[i]] += 1.0;
    total += a[i] - b[i];
  }
  std::vector<double> diffs;
  for (uint32_t r = 0; r < resamples && clusters > 0; ++r) {
    Rng rng = Rng::derive(seed, r);
    double s = 0, n = 0;
    for (uint32_t c = 0; c < clusters; ++c) {
      const uint32_t k = static_cast<uint32_t>(rng.below(clusters));
      s += sum[k];
      n += count[k];
    }
    if (n > 0) diffs.push_back(s / n);
  }
  return summary(a.empty() ? NAN : total / static_cast<double>(a.size()), std::move(diffs));
}

nlohmann::json to_json(const PairedDifference& d) {
  auto num = [](double v) { return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v); };
  return {{"difference", num(d.value)},
          {"low", num(d.low)},
          {"high", num(d.high)},
          {"resamples", d.resamples}};
}

std::string to_text(const PairedDifference& d) {
  return fmt::format("{:+.4f} [{:+.4f}, {:+.4f}]", d.value, d.low, d.high);
}

}  // namespace kairos::eval
