// A score-level hybrid of a deep model and a neighbourhood baseline (session-rec's "weighted
// hybrid"): each part's scores become a distribution over the catalogue (the deep model's by
// softmax, the kNN's positive scores by dividing by their sum: the items it only back-fills by
// popularity get no share), and the hybrid scores p = w p_deep + (1 - w) p_knn.
// The weight is tuned on the validation part (MRR@20 over a grid), the kNN part fitted on train
// for that, then refitted on what fit() is given. The deep part is trained as its own config says,
// or loaded from a trained artifact (`deep_artifact`). Saved as an artifact like any model: the
// deep part's weights in model.pt, the kNN part's training sessions in neighbours.kds beside it
// (refitted when loaded, seconds for the kNN baselines).
#pragma once

#include <nlohmann/json.hpp>

#include <memory>

#include "models/session_model.h"

namespace kairos {

std::unique_ptr<SessionModel> make_hybrid(const nlohmann::json& hparams);

}  // namespace kairos
