#include "train/early_stopping.h"

namespace kairos {

bool EarlyStopping::update(double metric) {
  ++epoch_;
  if (best_epoch_ < 0 || metric > best_ + min_delta_) {
    best_ = metric;
    best_epoch_ = epoch_;
    since_best_ = 0;
    return true;
  }
  ++since_best_;
  return false;
}

}  // namespace kairos
