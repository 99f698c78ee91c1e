#include "data/synth/catalogue.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.h"

namespace kairos::synth {
namespace {

// Zipf weights over a random permutation of n ranks (popularity independent of index).
std::vector<double> zipf_weights(uint32_t n, double exponent, Rng& rng) {
  std::vector<uint32_t> rank(n);
  std::iota(rank.begin(), rank.end(), 1u);
  for (uint32_t i = n; i > 1; --i) std::swap(rank[i - 1], rank[rng.below(i)]);  // Fisher-Yates
  std::vector<double> w(n);
  for (uint32_t i = 0; i < n; ++i) w[i] = std::pow(static_cast<double>(rank[i]), -exponent);
  return w;
}

bool is_prime(uint64_t n) {
  if (n < 2) return false;
  for (uint64_t d = 2; d * d <= n; ++d) {
    if (n % d == 0) return false;
  }
  return true;
}

uint64_t prime_above(uint64_t n) {
  while (!is_prime(n)) ++n;
  return n;
}

// A bijection of [0, p) (p prime, multiplier not a multiple of p), shifted to start at 1.
uint64_t scatter(uint64_t index, uint64_t p, uint64_t multiplier) {
  return (static_cast<uint128_t>(index + 1) * multiplier) % p;
}

}  // namespace

Sampler::Sampler(const std::vector<double>& weights) : cdf_(weights.size()) {
  std::partial_sum(weights.begin(), weights.end(), cdf_.begin());
}

uint32_t Sampler::sample(Rng& rng) const {
  const double x = rng.uniform() * cdf_.back();
  const auto it = std::upper_bound(cdf_.begin(), cdf_.end(), x);
  return static_cast<uint32_t>(std::min<size_t>(it - cdf_.begin(), cdf_.size() - 1));
}

Catalogue::Catalogue(const CatalogueOptions& o, uint64_t seed) {
  KAIROS_CHECK_USAGE(o.items >= 1 && o.categories >= 1 && o.top_categories >= 1,
                     "the synthetic shop needs at least one item and category");
  KAIROS_CHECK_USAGE(o.top_categories <= o.categories,
                     "more top-level categories ({}) than leaf categories ({})", o.top_categories,
                     o.categories);
  Rng rng = Rng::derive(seed, 0xCA7A106);
  // Tree: each leaf under a top-level category, tops of Zipf-distributed sizes (every top has
  // at least one leaf).
  const std::vector<double> top_w = zipf_weights(o.top_categories, 0.8, rng);
  const Sampler tops(top_w);
  leaf_parent_.resize(o.categories);
  top_leaves_.resize(o.top_categories);
  for (uint32_t l = 0; l < o.categories; ++l) {
    leaf_parent_[l] = l < o.top_categories ? l : tops.sample(rng);
    top_leaves_[leaf_parent_[l]].push_back(l);
  }
  const std::vector<double> leaf_w = zipf_weights(o.categories, o.category_zipf, rng);
  leaves_ = Sampler(leaf_w);
  for (const auto& ls : top_leaves_) {
    std::vector<double> w;
    for (uint32_t l : ls) w.push_back(leaf_w[l]);
    top_samplers_.emplace_back(w);
  }
  // Items: popular categories hold more items (leaf drawn by its weight).
  item_leaf_.resize(o.items);
  for (uint32_t i = 0; i < o.items; ++i) item_leaf_[i] = leaves_.sample(rng);
  const std::vector<double> item_w = zipf_weights(o.items, o.item_zipf, rng);
  all_items_ = Sampler(item_w);
  leaf_begin_.assign(o.categories + 1, 0);
  for (uint32_t l : item_leaf_) ++leaf_begin_[l + 1];
  std::partial_sum(leaf_begin_.begin(), leaf_begin_.end(), leaf_begin_.begin());
  leaf_items_.resize(o.items);
  std::vector<uint64_t> fill(leaf_begin_.begin(), leaf_begin_.end() - 1);
  for (uint32_t i = 0; i < o.items; ++i) leaf_items_[fill[item_leaf_[i]]++] = i;
  leaf_cdf_.resize(o.items);
  for (uint32_t l = 0; l < o.categories; ++l) {
    double sum = 0;
    for (uint64_t k = leaf_begin_[l]; k < leaf_begin_[l + 1]; ++k) {
      sum += item_w[leaf_items_[k]];
      leaf_cdf_[k] = sum;
    }
  }
  item_prime_ = prime_above(std::max<uint64_t>(1000, 3ULL * o.items));
  leaf_prime_ = prime_above(std::max<uint64_t>(1000, 3ULL * (o.categories + o.top_categories)));
}

uint32_t Catalogue::sample_leaf_under(uint32_t top, Rng& rng) const {
  return top_leaves_[top][top_samplers_[top].sample(rng)];
}

uint32_t Catalogue::sample_item(uint32_t leaf, Rng& rng) const {
  const uint64_t b = leaf_begin_[leaf], e = leaf_begin_[leaf + 1];
  if (b == e) return all_items_.sample(rng);
  const double x = rng.uniform() * leaf_cdf_[e - 1];
  const auto it = std::upper_bound(leaf_cdf_.begin() + b, leaf_cdf_.begin() + e, x);
  return leaf_items_[std::min<uint64_t>(it - leaf_cdf_.begin(), e - 1)];
}

uint64_t Catalogue::item_id(uint32_t item) const {
  return scatter(item, item_prime_, 2654435761ULL % (item_prime_ - 1) + 1);
}

uint64_t Catalogue::leaf_id(uint32_t leaf) const {
  return scatter(leaf, leaf_prime_, 40503ULL % (leaf_prime_ - 1) + 1);
}

uint64_t Catalogue::top_id(uint32_t top) const { return leaf_id(num_leaves() + top); }

}  // namespace kairos::synth
