// The training settings every deep model shares (epochs, early stopping, schedule, threads, seed,
// log), read from the same hyperparameter object as the model's own keys.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

#include "models/hparams.h"
#include "train/trainer.h"

namespace kairos {

struct TrainConfig {
  int epochs = 10;
  int patience = 3;
  double min_delta = 0.0;
  LrSchedule schedule;
  uint64_t valid_max_cases = 0;
  bool validate = true;
  int threads =
      2;  // threads for a training epoch's large products (LibTorch at 1; torch_runtime.h)
  uint64_t seed = 42;
  std::string log;  // JSON-lines training log path

  // Reads the keys above (n_epochs also accepted, as GRU4Rec names it).
  static TrainConfig read(Hparams& h, int default_epochs);
  nlohmann::json to_json() const;
  TrainOptions options(const std::string& label) const;
};

}  // namespace kairos
