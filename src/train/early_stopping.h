// Early stopping on a validation metric (higher is better) with patience: the training loop asks
// after each epoch whether this epoch is the best so far (keep its checkpoint) and whether to stop.
#pragma once

#include <cstdint>

namespace kairos {

class EarlyStopping {
 public:
  // patience: epochs without improvement (by more than min_delta) before stopping.
  explicit EarlyStopping(int patience, double min_delta = 0.0)
      : patience_(patience), min_delta_(min_delta) {}

  // Records an epoch's metric; returns true if it is the new best.
  bool update(double metric);
  bool should_stop() const { return since_best_ >= patience_; }
  double best() const { return best_; }
  int best_epoch() const { return best_epoch_; }

 private:
  int patience_;
  double min_delta_;
  double best_ = -1e300;
  int best_epoch_ = -1;
  int epoch_ = -1;
  int since_best_ = 0;
};

}  // namespace kairos
