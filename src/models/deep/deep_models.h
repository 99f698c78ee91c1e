// The LibTorch models, as SessionModel factories (no LibTorch in this header).
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <string>

#include "models/audience/audience_model.h"
#include "models/customers/return_model.h"
#include "models/forecast/forecaster.h"
#include "models/generative/session_generator.h"
#include "models/interest/interest_model.h"
#include "models/session_model.h"

namespace kairos {

std::unique_ptr<SessionModel> make_gru4rec(const nlohmann::json& hparams);
std::unique_ptr<SessionModel> make_sasrec(const nlohmann::json& hparams);
// NextItNet: SASRec's training, scoring and serving with dilated causal convolutions
// (models/deep/sasrec_net.h).
std::unique_ptr<SessionModel> make_nextitnet(const nlohmann::json& hparams);
// BSARec: SASRec's attention blended with a frequency filter, trained on each prefix's last
// position (models/deep/bsarec_net.h).
std::unique_ptr<SessionModel> make_bsarec(const nlohmann::json& hparams);
std::unique_ptr<SessionModel> make_narm(const nlohmann::json& hparams);
std::unique_ptr<SessionModel> make_srgnn(const nlohmann::json& hparams);
std::unique_ptr<SessionModel> make_multvae(const nlohmann::json& hparams);
// SVAE: Mult-VAE's sequential form, a GRU feeding a latent vector per step (models/deep/svae.cc).
std::unique_ptr<SessionModel> make_svae(const nlohmann::json& hparams);
// The deep interest model ("gru": heads for category, next-action and intent on one GRU encoder;
// models/deep/interest_gru.cc).
std::unique_ptr<InterestModel> make_interest_gru(const nlohmann::json& hparams);
// Interest heads on a trained next-item model's frozen encoder ("heads",
// models/deep/encoder_heads.cc). The factory, above models/deep, hands in how next-item models
// are made and artifacts loaded.
struct NextItemLoaders {
  // A next-item artifact directory trained on `data` (kInput otherwise): the fitted model, and
  // its name as make() takes it in `name`.
  std::function<std::unique_ptr<SessionModel>(const std::string& dir, const Dataset& data,
                                              std::string* name)>
      load;
  std::function<std::unique_ptr<SessionModel>(const std::string& name,
                                              const nlohmann::json& hparams)>
      make;
};
std::unique_ptr<InterestModel> make_encoder_heads(const nlohmann::json& hparams,
                                                  NextItemLoaders loaders);
// The return task's GRU over each customer's purchase history (models/deep/return_gru.cc).
std::unique_ptr<ReturnModel> make_return_gru(const nlohmann::json& hparams);
// The sequence GAN of sessions (models/deep/seq_gan.cc).
std::unique_ptr<SessionGenerator> make_seq_gan(const nlohmann::json& hparams);

// The demand task's global LSTM (models/deep/lstm_forecaster.cc).
std::unique_ptr<Forecaster> make_lstm_forecaster(const nlohmann::json& hparams, uint64_t seed);
// The audience task's cold-start model (models/deep/cold_start_audience.cc).
std::unique_ptr<AudienceModel> make_cold_start_audience(const nlohmann::json& hparams);

}  // namespace kairos
