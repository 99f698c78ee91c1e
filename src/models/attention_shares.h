// Explanations from attention: each past event's share of a model's attention weights, as
// EventAttribution rows sorted by share (SASRec's attention rollout, NARM's local encoder). The
// share is the same for every recommended item.
#pragma once

#include <span>
#include <vector>

#include "models/session_model.h"

namespace kairos {

// positions[j]: the session index of the event with weight weights[j] (non-negative; normalised
// here to sum to 1); items: the session's items.
std::vector<EventAttribution> attention_shares(std::span<const size_t> positions,
                                               std::span<const uint32_t> items,
                                               std::span<const float> weights);

}  // namespace kairos
