// Negative sampling for sampled losses: items drawn with probability proportional to
// count^alpha (alpha = 0: uniform over items seen in training; 1: popularity), as GRU4Rec's
// `sample_alpha`. Also gives each item's sampling probability for logQ correction.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/rng.h"
#include "data/dataset.h"

namespace kairos {

// Occurrences of each item index in `sessions` (size num_items; index 0 stays 0).
std::vector<uint64_t> item_counts(const SessionSet& sessions, uint32_t num_items);

// log(max(count, 1)) per item: the logQ correction of popularity-sampled columns (times alpha
// for count^alpha sampling).
std::vector<float> log_counts(std::span<const uint64_t> counts);

class NegativeSampler {
 public:
  NegativeSampler() = default;
  // Items with count 0 (and the padding index) are never drawn.
  NegativeSampler(std::span<const uint64_t> counts, double alpha);

  // Fills `out` with independent draws.
  void sample(Rng& rng, std::span<int64_t> out) const;
  // count^alpha (unnormalised), as used by logQ correction.
  double weight(uint32_t item) const { return weight_[item]; }

 private:
  std::vector<double> weight_;
  // Walker's alias table over `items_` (O(1) per draw).
  std::vector<double> prob_;
  std::vector<uint32_t> alias_;
  std::vector<uint32_t> items_;  // items with positive weight
};

}  // namespace kairos
