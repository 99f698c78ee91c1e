// The LibTorch models, as SessionModel factories (no LibTorch in this header).
#pragma once

#include <nlohmann/json.hpp>

#include <memory>

#include "models/session_model.h"

namespace kairos {

std::unique_ptr<SessionModel> make_gru4rec(const nlohmann::json& hparams);
std::unique_ptr<SessionModel> make_sasrec(const nlohmann::json& hparams);

}  // namespace kairos
