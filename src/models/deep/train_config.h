// The training settings every deep model shares (epochs, early stopping, schedule, seed), saved
// with the model beside its own keys in one flat object (models/config_reader.h). Threads and the
// log path are run options (models/run_options.h), not settings.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

#include "models/config_reader.h"
#include "models/run_options.h"
#include "train/trainer.h"

namespace kairos {

struct TrainConfig {
  int n_epochs = 10;  // "epochs" also accepted (ConfigReader alias)
  int patience = 3;
  double min_delta = 0.0;
  std::string lr_schedule = "constant";  // train/lr_schedule.h
  double lr_gamma = 0.5;
  int lr_step_epochs = 5;
  int lr_warmup_epochs = 0;
  double lr_min_factor = 0.0;
  uint64_t valid_max_cases = 0;  // cap on validation cases (0 = all)
  bool validate = true;
  uint64_t seed = 42;

  NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(TrainConfig, n_epochs, patience, min_delta,
                                              lr_schedule, lr_gamma, lr_step_epochs,
                                              lr_warmup_epochs, lr_min_factor, valid_max_cases,
                                              validate, seed)
  void check(const std::string& model) const;  // throws kUsage

  // With `default_epochs` as the model's default; "epochs" read as "n_epochs".
  static TrainConfig read(ConfigReader& r, int default_epochs);
  LrSchedule schedule() const;
  TrainOptions options(const std::string& label, const RunOptions& run) const;
};

// A deep model's config `C` (its own keys through ConfigReader::read, then the shared training
// keys in the same flat object, C::train) from `j`; unknown keys are errors.
template <typename C>
C read_model_config(const nlohmann::json& j, const std::string& model, int default_epochs) {
  ConfigReader r(j, model);
  C c;
  r.read(c);
  c.train = TrainConfig::read(r, default_epochs);
  r.finish();
  return c;
}

// The flat object read_model_config reads: the model's keys and the training keys.
template <typename C>
nlohmann::json model_config_json(const C& c) {
  nlohmann::json j = c;
  j.update(nlohmann::json(c.train));
  return j;
}

}  // namespace kairos
