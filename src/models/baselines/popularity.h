// Item popularity in the training data, shared by Pop, S-POP and every method's back-fill.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "data/dataset.h"

namespace kairos {

// Event counts per item over `train`, divided by the largest count (values in [0, 1]).
std::vector<float> normalized_popularity(const SessionSet& train, uint32_t num_items);

// Back-fill: every item not in `touched` gets a score strictly below every real candidate
// (candidates must score > 0): -1 + 0.5 * popularity, so among themselves they rank by popularity.
void popularity_backfill(std::span<float> scores, std::span<const uint8_t> touched,
                         std::span<const float> popularity);

}  // namespace kairos
