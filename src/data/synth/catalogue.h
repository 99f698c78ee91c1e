// The synthetic shop's catalogue: a two-level category tree and items with power-law popularity.
// Built once per run from the seed; O(items) memory. See docs/SYNTH.md for the story.
#pragma once

#include <cstdint>
#include <vector>

#include "core/rng.h"

namespace kairos::synth {

// Cumulative weights for O(log n) sampling of an index in [0, size).
class Sampler {
 public:
  Sampler() = default;
  explicit Sampler(const std::vector<double>& weights);
  uint32_t sample(Rng& rng) const;
  size_t size() const { return cdf_.size(); }

 private:
  std::vector<double> cdf_;
};

struct CatalogueOptions {
  uint32_t items = 10000;
  uint32_t categories = 100;  // leaf categories
  uint32_t top_categories = 10;
  double item_zipf = 1.0;      // item popularity ~ 1 / rank^item_zipf
  double category_zipf = 0.9;  // leaf category popularity ~ 1 / rank^category_zipf
};

class Catalogue {
 public:
  Catalogue(const CatalogueOptions& o, uint64_t seed);

  uint32_t num_items() const { return static_cast<uint32_t>(item_leaf_.size()); }
  uint32_t num_leaves() const { return static_cast<uint32_t>(leaf_parent_.size()); }
  uint32_t num_tops() const { return static_cast<uint32_t>(top_leaves_.size()); }

  uint32_t leaf_of(uint32_t item) const { return item_leaf_[item]; }
  uint32_t parent_of(uint32_t leaf) const { return leaf_parent_[leaf]; }
  // A leaf by global popularity; a leaf under `top` by popularity; an item of `leaf` by
  // popularity (leaves without items fall back to a popular item anywhere).
  uint32_t sample_leaf(Rng& rng) const { return leaves_.sample(rng); }
  uint32_t sample_leaf_under(uint32_t top, Rng& rng) const;
  uint32_t sample_item(uint32_t leaf, Rng& rng) const;

  // External ids: scattered (not popularity-ordered) positive integers, as real logs have.
  uint64_t item_id(uint32_t item) const;
  uint64_t leaf_id(uint32_t leaf) const;
  uint64_t top_id(uint32_t top) const;

 private:
  std::vector<uint32_t> item_leaf_;
  std::vector<uint32_t> leaf_parent_;
  Sampler leaves_;
  std::vector<std::vector<uint32_t>> top_leaves_;  // per top: its leaves
  std::vector<Sampler> top_samplers_;              // per top: leaves by popularity
  std::vector<uint32_t> leaf_items_;               // items grouped by leaf
  std::vector<uint64_t> leaf_begin_;               // leaf l = leaf_items_[leaf_begin_[l] ..)
  std::vector<double> leaf_cdf_;                   // per grouped item: cumulative within leaf
  Sampler all_items_;
  uint64_t item_prime_, leaf_prime_;
};

}  // namespace kairos::synth
