#include "models/deep/train_config.h"

namespace kairos {

TrainConfig TrainConfig::read(Hparams& h, int default_epochs) {
  TrainConfig c;
  c.epochs = h.get<int>("n_epochs", h.get<int>("epochs", default_epochs));
  c.patience = h.get<int>("patience", c.patience);
  c.min_delta = h.get<double>("min_delta", c.min_delta);
  c.schedule.kind = h.get<std::string>("lr_schedule", c.schedule.kind);
  c.schedule.gamma = h.get<double>("lr_gamma", c.schedule.gamma);
  c.schedule.step_epochs = h.get<int>("lr_step_epochs", c.schedule.step_epochs);
  c.schedule.warmup_epochs = h.get<int>("lr_warmup_epochs", c.schedule.warmup_epochs);
  c.schedule.min_factor = h.get<double>("lr_min_factor", c.schedule.min_factor);
  c.valid_max_cases = h.get<uint64_t>("valid_max_cases", c.valid_max_cases);
  c.validate = h.get<bool>("validate", c.validate);
  c.threads = h.get<int>("threads", c.threads);
  c.seed = h.get<uint64_t>("seed", c.seed);
  c.log = h.get<std::string>("log", c.log);
  KAIROS_CHECK_USAGE(c.epochs > 0, "n_epochs must be positive");
  KAIROS_CHECK_USAGE(c.patience > 0, "patience must be positive");
  c.schedule.factor(0, c.epochs);  // validates the schedule kind
  return c;
}

nlohmann::json TrainConfig::to_json() const {
  return {{"n_epochs", epochs},
          {"patience", patience},
          {"min_delta", min_delta},
          {"lr_schedule", schedule.kind},
          {"lr_gamma", schedule.gamma},
          {"lr_step_epochs", schedule.step_epochs},
          {"lr_warmup_epochs", schedule.warmup_epochs},
          {"lr_min_factor", schedule.min_factor},
          {"valid_max_cases", valid_max_cases},
          {"validate", validate},
          {"threads", threads},
          {"seed", seed}};
}

TrainOptions TrainConfig::options(const std::string& label) const {
  TrainOptions o;
  o.epochs = epochs;
  o.patience = patience;
  o.min_delta = min_delta;
  o.schedule = schedule;
  o.valid_max_cases = valid_max_cases;
  o.validate = validate;
  o.log_path = log;
  o.label = label;
  return o;
}

}  // namespace kairos
