// Evaluating several models on one prepared dataset, per task: the jobs `kairos evaluate` maps
// its flags onto (the CLI prints and writes what these return).
//   - next-item: each model fitted (train, or train + valid for the test part) or, for an
//     artifact directory, loaded; then ranked over the full catalogue (eval/evaluator.h);
//   - category / next-action: each model fitted on train, its temperature (and optionally a
//     top-label map) fitted on valid, refitted on train + valid and evaluated on test with that
//     calibration; models that train epochs early-stop on valid anyway, so their calibration fit
//     is the model (eval/label_evaluator.h);
//   - intent: each model for both targets, converts and within-N (eval/intent_evaluator.h).
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "data/dataset.h"
#include "eval/evaluator.h"
#include "eval/intent_evaluator.h"
#include "eval/label_evaluator.h"
#include "tasks/task.h"

namespace kairos {

struct ModelEntry {
  std::string label;  // table row; for next-item also an artifact directory (loaded, not fitted)
  std::string model;  // factory name
  nlohmann::json hparams = nlohmann::json::object();
};

std::vector<eval::EvalResult> evaluate_next_item_models(const Dataset& data,
                                                        const std::vector<ModelEntry>& models,
                                                        const eval::EvalOptions& o);

struct LabelCalibrationOptions {
  bool calibrate = true;   // false: raw probabilities (T = 1)
  bool top_label = false;  // a top-label isotonic map after the temperature
};
std::vector<eval::LabelEvalResult> evaluate_label_models(const Dataset& data, Task task,
                                                         const std::vector<ModelEntry>& models,
                                                         eval::LabelEvalOptions o,
                                                         const LabelCalibrationOptions& c);

std::vector<eval::IntentEvalResult> evaluate_intent_models(const Dataset& data,
                                                           const std::vector<ModelEntry>& models,
                                                           const eval::IntentEvalOptions& o);

}  // namespace kairos
