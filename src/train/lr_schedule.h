// Learning-rate schedules as a factor of the base rate per epoch: constant, step decay, cosine,
// each with optional linear warm-up over the first epochs.
#pragma once

#include <string>

namespace kairos {

struct LrSchedule {
  std::string kind = "constant";  // constant | step | cosine
  double gamma = 0.5;             // step: factor applied every `step_epochs`
  int step_epochs = 5;
  int warmup_epochs = 0;
  double min_factor = 0.0;  // cosine: factor reached at the last epoch

  // Factor for 0-based `epoch` of `epochs`. Throws kUsage for an unknown kind.
  double factor(int epoch, int epochs) const;
};

}  // namespace kairos
