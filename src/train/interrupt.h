// Ctrl-C (SIGINT) or SIGTERM during training: the trainer stops after the batch in progress and
// keeps the best validated epoch, so the command goes on to evaluate and save it. A second signal
// ends the process at once (the default action).
#pragma once

namespace kairos {

// Installs the handlers for its lifetime when `enabled` (single-process training: a rank of a
// data-parallel job that stopped alone would leave the others waiting in a collective), and puts
// the previous ones back when it ends.
class TrainingInterrupt {
 public:
  explicit TrainingInterrupt(bool enabled);
  ~TrainingInterrupt();
  TrainingInterrupt(const TrainingInterrupt&) = delete;
  TrainingInterrupt& operator=(const TrainingInterrupt&) = delete;

  // A signal arrived since construction.
  bool requested() const;

 private:
  bool enabled_;
};

}  // namespace kairos
