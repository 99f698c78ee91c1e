// Constructors of the non-neural baselines (docs/models.md): one file each, listed in factory.cc.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>

#include "models/session_model.h"

namespace kairos {

std::unique_ptr<SessionModel> make_pop(const nlohmann::json& hparams);
std::unique_ptr<SessionModel> make_spop(const nlohmann::json& hparams);
std::unique_ptr<SessionModel> make_markov(const nlohmann::json& hparams);
std::unique_ptr<SessionModel> make_sequential_rules(const nlohmann::json& hparams);
std::unique_ptr<SessionModel> make_item_knn(const nlohmann::json& hparams);
std::unique_ptr<SessionModel> make_sknn(const nlohmann::json& hparams);
std::unique_ptr<SessionModel> make_vsknn(const nlohmann::json& hparams);
std::unique_ptr<SessionModel> make_stan(const nlohmann::json& hparams);
std::unique_ptr<SessionModel> make_vstan(const nlohmann::json& hparams);

}  // namespace kairos
