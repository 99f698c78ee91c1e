// Training a model end to end and writing its artifact: the one entry `kairos train` maps its
// flags onto. Next-item models (the default task): fit (deep models early-stop on validation
// MRR@20), evaluate on the test part with full ranking, save the artifact (models/artifact.h).
// Interest heads (`tasks` not empty): pipeline/train_interest.h.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "models/run_options.h"
#include "tasks/task.h"

namespace kairos {

struct TrainRequest {
  std::string model;  // factory name (models/factory.h)
  std::string label;  // what tables and logs call it (a config label; default = model)
  nlohmann::json hparams = nlohmann::json::object();  // the saved configuration
  std::vector<Task> tasks;  // empty: next-item; otherwise interest heads, the first primary
  RunOptions run;           // threads, training log: not saved
  std::string out;          // artifact directory
  bool evaluate = true;     // test metrics after training
  int eval_threads = 2;
  uint32_t min_prefix = 1;
};

struct TrainResult {
  nlohmann::json training;     // the trainer's summary (null: no epochs)
  nlohmann::json metrics;      // test metrics (null without evaluate)
  nlohmann::json calibration;  // interest heads only
  std::string tables;          // the test metrics as printable tables
  double fit_seconds = 0;
  // {"artifact", "model", "label", "fit_seconds", "training", "metrics"[, "calibration"]}:
  // `kairos train --json`.
  nlohmann::json to_json(const TrainRequest& r) const;
};

// Throws kUsage when `r` cannot train (a next-item baseline, which writes no artifact; no
// artifact directory): callers check before loading the data.
void check_train_request(const TrainRequest& r);

TrainResult train_and_save(const Dataset& data, const TrainRequest& r);

}  // namespace kairos
