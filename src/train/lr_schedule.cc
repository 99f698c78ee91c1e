#include "train/lr_schedule.h"

#include <cmath>
#include <numbers>

#include "core/error.h"

namespace kairos {

double LrSchedule::factor(int epoch, int epochs) const {
  double f = 1.0;
  if (kind == "constant") {
    f = 1.0;
  } else if (kind == "step") {
    KAIROS_CHECK_USAGE(step_epochs > 0, "lr schedule: step_epochs must be positive");
    f = std::pow(gamma, epoch / step_epochs);
  } else if (kind == "cosine") {
    const double t = epochs <= 1 ? 0.0 : static_cast<double>(epoch) / (epochs - 1);
    f = min_factor + (1.0 - min_factor) * 0.5 * (1.0 + std::cos(std::numbers::pi * t));
  } else {
    KAIROS_THROW(ErrorKind::kUsage, "unknown lr schedule '{}' (constant, step, cosine)", kind);
  }
  if (warmup_epochs > 0 && epoch < warmup_epochs)
    f *= static_cast<double>(epoch + 1) / (warmup_epochs + 1);
  return f;
}

}  // namespace kairos
