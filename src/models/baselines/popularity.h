// Item popularity in the training data, shared by Pop, S-POP and every method's back-fill.
//
// Back-fill: items a method gives no score (no rule, no neighbour) would all tie at 0; the fill
// ranks them by popularity instead, strictly below every real candidate, so the ranks among
// candidates never change. Fill values are -1 + 0.5 * popularity (in [-1, -0.5]); when some
// candidate scores below 0 (negative decay weights), the fill is shifted below that candidate.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "data/dataset.h"

namespace kairos {

// Event counts per item over `train`, divided by the largest count (values in [0, 1]).
std::vector<float> normalized_popularity(const SessionSet& train, uint32_t num_items);

class PopularityFill {
 public:
  void build(const SessionSet& train, uint32_t num_items);
  // scores[0] = -inf; every other item gets its fill value (one copy, no per-item branch).
  void write(std::span<float> scores) const;
  // After candidates were written over the fill: if the lowest candidate score `min_candidate`
  // is below 0, moves every non-candidate (is_candidate[i] == stamp is false) below it.
  void lower_below(std::span<float> scores, float min_candidate,
                   std::span<const uint32_t> candidate_stamp, uint32_t stamp) const;

 private:
  std::vector<float> fill_;  // [0] = -inf
};

}  // namespace kairos
