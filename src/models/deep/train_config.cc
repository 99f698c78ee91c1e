#include "models/deep/train_config.h"

namespace kairos {

void TrainConfig::check(const std::string& model) const {
  KAIROS_CHECK_USAGE(n_epochs > 0, "{}: n_epochs must be positive", model);
  KAIROS_CHECK_USAGE(patience > 0, "{}: patience must be positive", model);
  schedule().factor(0, n_epochs);  // validates the schedule kind
}

TrainConfig TrainConfig::read(ConfigReader& r, int default_epochs) {
  TrainConfig c;
  c.n_epochs = default_epochs;
  r.alias("epochs", "n_epochs");
  r.read(c);
  return c;
}

LrSchedule TrainConfig::schedule() const {
  LrSchedule s;
  s.kind = lr_schedule;
  s.gamma = lr_gamma;
  s.step_epochs = lr_step_epochs;
  s.warmup_epochs = lr_warmup_epochs;
  s.min_factor = lr_min_factor;
  return s;
}

TrainOptions TrainConfig::options(const std::string& label, const RunOptions& run) const {
  TrainOptions o;
  o.epochs = n_epochs;
  o.patience = patience;
  o.min_delta = min_delta;
  o.schedule = schedule();
  o.valid_max_cases = valid_max_cases;
  o.validate = validate;
  o.log_path = run.log;
  o.label = label;
  o.interruptible = run.interruptible && run.world_size <= 1;
  return o;
}

}  // namespace kairos
