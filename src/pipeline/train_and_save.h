// Training a model end to end and writing its artifact: the one entry `kairos train` maps its
// flags onto. Next-item models (the default task): fit (deep models early-stop on validation
// MRR@20), evaluate on the test part with full ranking, save the artifact (models/artifact.h).
// Interest heads (`tasks` not empty): pipeline/train_interest.h.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
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
  // Warm start (docs/ONLINE.md): continue from this next-item artifact on `data`. The data is
  // re-indexed onto the artifact's vocabulary plus its new items (data/extend_vocabulary.h), the
  // weights and optimiser state are loaded and grown, and `hparams` should be the artifact's
  // (with any overrides, e.g. fewer epochs): the architecture must match.
  std::string warm_start;
  // Train only on the sessions of train + valid starting at or after this time (unix ms), for a
  // fixed number of epochs (no validation): a warm start's "new data" inside a full dataset, so
  // that its test part is the same as a from-scratch model's.
  std::optional<int64_t> train_since_ms;
};

struct TrainResult {
  nlohmann::json training;     // the trainer's summary (null: no epochs)
  nlohmann::json metrics;      // test metrics (null without evaluate)
  nlohmann::json calibration;  // interest heads only
  std::string tables;          // the test metrics as printable tables
  double fit_seconds = 0;
  nlohmann::json warm_start;  // where a warm start came from (null: trained from scratch)
  // {"artifact", "model", "label", "fit_seconds", "training", "metrics"[, "calibration"]}:
  // `kairos train --json`.
  nlohmann::json to_json(const TrainRequest& r) const;
};

// Throws kUsage when `r` cannot train (a next-item baseline, which writes no artifact; no
// artifact directory): callers check before loading the data.
void check_train_request(const TrainRequest& r);

TrainResult train_and_save(const Dataset& data, const TrainRequest& r);

}  // namespace kairos
