// The LibTorch models, as SessionModel factories (no LibTorch in this header).
#pragma once

#include <nlohmann/json.hpp>

#include <memory>

#include "models/intent/sequence_intent.h"
#include "models/labels/label_model.h"
#include "models/session_model.h"

namespace kairos {

std::unique_ptr<SessionModel> make_gru4rec(const nlohmann::json& hparams);
std::unique_ptr<SessionModel> make_sasrec(const nlohmann::json& hparams);
// The deep label model ("gru": category / next-action; models/deep/gru_labels.cc).
std::unique_ptr<LabelModel> make_gru_labels(const nlohmann::json& hparams);
// The deep intent model ("gru": models/deep/gru_intent.cc).
std::unique_ptr<SequenceIntentModel> make_gru_intent(const nlohmann::json& hparams);

}  // namespace kairos
