#include "models/baselines/popularity.h"

#include <algorithm>
#include <limits>

namespace kairos {

std::vector<float> normalized_popularity(const SessionSet& train, uint32_t num_items) {
  std::vector<float> pop(num_items, 0.0f);
  for (size_t s = 0; s < train.size(); ++s) {
    for (uint32_t i : train[s].items) {
      if (i < num_items) pop[i] += 1.0f;
    }
  }
  const float top = pop.empty() ? 0.0f : *std::max_element(pop.begin(), pop.end());
  if (top > 0) {
    for (float& p : pop) p /= top;
  }
  return pop;
}

void PopularityFill::build(const SessionSet& train, uint32_t num_items) {
  fill_ = normalized_popularity(train, num_items);
  for (float& f : fill_) f = -1.0f + 0.5f * f;
  if (!fill_.empty()) fill_[0] = -std::numeric_limits<float>::infinity();
}

void PopularityFill::write(std::span<float> scores) const {
  const size_t n = std::min(scores.size(), fill_.size());
  std::copy(fill_.begin(), fill_.begin() + static_cast<std::ptrdiff_t>(n), scores.begin());
  std::fill(scores.begin() + static_cast<std::ptrdiff_t>(n), scores.end(), -1.0f);
  if (!scores.empty()) scores[0] = -std::numeric_limits<float>::infinity();
}

void PopularityFill::lower_below(std::span<float> scores, float min_candidate,
                                 std::span<const uint32_t> candidate_stamp, uint32_t stamp) const {
  if (!(min_candidate < 0.0f)) return;
  // Fill values in [-1, -0.5] scaled by max(1, |min|) and added to min: strictly below it, with
  // the popularity order kept even when |min| is large.
  const float scale = std::max(1.0f, -min_candidate);
  for (size_t i = 1; i < scores.size(); ++i) {
    if (i < candidate_stamp.size() && candidate_stamp[i] == stamp) continue;
    scores[i] = min_candidate + scale * (i < fill_.size() ? fill_[i] : -1.0f);
  }
}

}  // namespace kairos
