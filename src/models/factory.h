// The one explicit model factory: name -> SessionModel, with typed hyperparameters parsed from a
// JSON object (unknown keys are an error). No static self-registration: factory.cc holds a table.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "models/audience/audience_model.h"
#include "models/customers/return_model.h"
#include "models/forecast/forecaster.h"
#include "models/generative/session_generator.h"
#include "models/intent/sequence_intent.h"
#include "models/interest/interest_model.h"
#include "models/labels/label_model.h"
#include "models/session_model.h"

namespace kairos {

// Throws kairos::Error (kUsage) for an unknown name or bad/unknown hyperparameter keys.
std::unique_ptr<SessionModel> make_model(const std::string& name,
                                         const nlohmann::json& hparams = nlohmann::json::object());

// Label-task models (docs/TASKS.md): the counting baselines of make_label_model and the deep
// "gru" (LibTorch builds).
std::unique_ptr<LabelModel> make_any_label_model(
    const std::string& name, const nlohmann::json& hparams = nlohmann::json::object());

// Sequence intent models ("gru", LibTorch builds); kUsage for other names.
std::unique_ptr<SequenceIntentModel> make_sequence_intent_model(
    const std::string& name, const nlohmann::json& hparams = nlohmann::json::object());

// Interest models: one encoder with a head per interest task ("gru", LibTorch builds;
// models/interest/interest_model.h); the label and sequence-intent "gru" above are its single-head
// views.
std::unique_ptr<InterestModel> make_interest_model(
    const std::string& name, const nlohmann::json& hparams = nlohmann::json::object());

// Return-task models (models/customers/return_model.h): make_return_model's, and the deep
// "gru" over purchase histories (LibTorch builds).
std::unique_ptr<ReturnModel> make_any_return_model(
    const std::string& name, const nlohmann::json& hparams = nlohmann::json::object(),
    int threads = 2, uint64_t seed = 42);
// The names make_any_return_model accepts in this build (gru only with LibTorch).
std::vector<std::string> any_return_model_names();

// Demand forecasters (models/forecast/forecaster.h): make_forecaster's, and the deep global
// "lstm" (LibTorch builds); the names this build accepts.
std::unique_ptr<Forecaster> make_any_forecaster(
    const std::string& name, const nlohmann::json& hparams = nlohmann::json::object(),
    int threads = 2, uint64_t seed = 42);
std::vector<std::string> any_forecaster_names();

// Session generators (models/generative/session_generator.h): "markov" (no hyperparameters) and
// "seqgan" (LibTorch builds); the names this build accepts.
std::unique_ptr<SessionGenerator> make_generator(
    const std::string& name, const nlohmann::json& hparams = nlohmann::json::object());
std::vector<std::string> generator_names();

// New-product audience models (models/audience/audience_model.h): make_audience_model's, and the
// deep "cold-start" (LibTorch builds); the names this build accepts.
std::unique_ptr<AudienceModel> make_any_audience_model(
    const std::string& name, const nlohmann::json& hparams = nlohmann::json::object());
std::vector<std::string> any_audience_model_names();

// Compute threads (LibTorch intra-op and OpenBLAS) for scoring from many caller threads at once:
// servers and evaluators parallelise over requests or cases, so each call should run on one
// thread (OpenBLAS's own pool, shared by concurrent callers, spins and starves them). No-op
// without LibTorch.
void set_inference_threads(int threads);

// Names accepted by make_model, with a one-line description each.
struct ModelInfo {
  std::string name;
  std::string description;
  bool trained = false;  // a deep model: trains epochs, has weights and artifacts
};
const std::vector<ModelInfo>& model_infos();

}  // namespace kairos
