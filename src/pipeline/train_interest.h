// Training an interest model (models/interest/interest_model.h) end to end: fit the heads on the
// training part (early stopping on the primary head's validation scalar), calibrate every head on
// validation (a temperature and a top-label isotonic map per label head, an isotonic curve for
// intent), evaluate every head on
// test with its task's metrics, and write the interest artifact (models/artifact.h) with the
// calibration and the metrics. `kairos train --task ...` maps its flags onto this.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "models/interest/interest_model.h"
#include "models/run_options.h"
#include "tasks/task.h"

namespace kairos {

struct InterestTrainOptions {
  std::string model = "gru";
  nlohmann::json hparams = nlohmann::json::object();  // without "tasks" (set from `tasks`)
  std::vector<Task> tasks;                            // the heads; the first is primary
  RunOptions run;                                     // threads, training log: not saved
  std::string out;                                    // artifact directory
  bool evaluate = true;                               // test metrics per head
  // Label heads: a top-label isotonic map after the temperature (eval/interest_calibration.h).
  bool top_label = true;
  int eval_threads = 2;
  uint32_t min_prefix = 1;
};

struct InterestTrainResult {
  std::unique_ptr<InterestModel> model;  // the fitted model, as saved
  nlohmann::json training;               // the trainer's summary
  nlohmann::json calibration;            // eval/interest_calibration.h
  nlohmann::json metrics;  // per head: the task's test metrics (null without evaluate)
  std::string tables;      // the same as printable tables
  double fit_seconds = 0;
};

InterestTrainResult train_interest_and_save(const Dataset& data, const InterestTrainOptions& o);

}  // namespace kairos
