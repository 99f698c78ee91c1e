#include "models/session_model.h"

#include <algorithm>
#include <limits>

namespace kairos {

void reset_scores(std::span<float> scores) {
  std::fill(scores.begin(), scores.end(), 0.0f);
  if (!scores.empty()) scores[0] = -std::numeric_limits<float>::infinity();
}

}  // namespace kairos
