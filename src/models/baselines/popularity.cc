#include "models/baselines/popularity.h"

#include <algorithm>

namespace kairos {

std::vector<float> normalized_popularity(const SessionSet& train, uint32_t num_items) {
  std::vector<float> pop(num_items, 0.0f);
  for (size_t s = 0; s < train.size(); ++s) {
    for (uint32_t i : train[s].items) pop[i] += 1.0f;
  }
  const float top = pop.empty() ? 0.0f : *std::max_element(pop.begin(), pop.end());
  if (top > 0) {
    for (float& p : pop) p /= top;
  }
  return pop;
}

void popularity_backfill(std::span<float> scores, std::span<const uint8_t> touched,
                         std::span<const float> popularity) {
  for (size_t i = 1; i < scores.size(); ++i) {
    if (!touched[i]) scores[i] = -1.0f + 0.5f * popularity[i];
  }
}

}  // namespace kairos
