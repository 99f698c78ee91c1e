// The training loop shared by every deep model: an explicit epoch loop with a progress bar (loss,
// events/s, ETA), validation after each epoch on the dataset's validation part by the task's own
// scalar (tasks/task.h: MRR@20 for next-item, log-loss for the label tasks), early stopping with
// patience, best-checkpoint keeping, a JSON-lines training log and the learning-rate
// schedule, and the batch loop of each epoch. It holds no LibTorch: a model plugs in through
// `Trainable`, which owns its tensors and optimiser (GRU4Rec's sparse Adagrad and SASRec's Adam
// differ too much to share one object) and splits one update into its gradient and its step, so
// a data-parallel trainer can reduce the gradients in between without touching any model.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "models/intent/sequence_intent.h"
#include "models/labels/label_model.h"
#include "models/session_model.h"
#include "tasks/task.h"
#include "train/lr_schedule.h"

namespace kairos {

// What a model reports while it trains one epoch.
struct EpochProgress {
  uint64_t events = 0;  // training events (targets) processed since the last call
  double loss_sum = 0;  // summed loss over those events
};

class Trainable {
 public:
  virtual ~Trainable() = default;
  // The model being trained, as validation sees it: a next-item model (the default task), or a
  // label model with its label space (TrainOptions::task = category / next-action).
  virtual const SessionModel& model() const;  // throws kUsage unless overridden
  virtual const LabelModel* label_model() const { return nullptr; }
  virtual const EventLabels* labels() const { return nullptr; }
  // Intent (TrainOptions::task = intent): the model and the target it learns.
  virtual const SequenceIntentModel* intent_model() const { return nullptr; }
  virtual IntentTarget intent_target() const { return IntentTarget::kConverts; }
  virtual uint32_t intent_within() const { return 5; }
  // Training targets per epoch (the progress bar's total).
  virtual uint64_t events_per_epoch() const = 0;

  // The trainer owns the batch loop; a model contributes the three parts of one update:
  //
  //   begin_epoch(e, lr);
  //   while (forward_backward(&progress)) { [a data-parallel trainer all-reduces here]
  //                                         apply_update(); }
  //   end_epoch();
  //
  // begin_epoch: shuffles, resets recurrent state, sets the learning rate to the model's base
  // rate times `lr_factor` and the epoch's threads. forward_backward: the next mini-batch's
  // loss and gradients (in the model's gradient tensors; nothing is updated yet); false when the
  // epoch has no batch left. `progress` receives the batch's targets and summed loss.
  // apply_update: the optimiser step on those gradients.
  virtual void begin_epoch(int epoch, double lr_factor) = 0;
  virtual bool forward_backward(EpochProgress* progress) = 0;
  virtual void apply_update() = 0;
  virtual void end_epoch() {}
  // Keeps a copy of the current weights as the best so far / puts the best copy back.
  virtual void keep_best() = 0;
  virtual void restore_best() = 0;
};

struct TrainOptions {
  int epochs = 10;
  int patience = 3;              // epochs without validation improvement before stopping
  double min_delta = 0.0;        // improvement smaller than this does not count
  LrSchedule schedule;           // per-epoch learning-rate factor
  uint64_t valid_max_cases = 0;  // cap on validation cases (0 = all)
  int valid_threads = 2;
  std::string log_path;  // JSON-lines log, one object per epoch ("" = none)
  std::string label = "train";
  bool validate = true;         // false (or no validation part): run all epochs, keep the last
  Task task = Task::kNextItem;  // what validation measures (its validation_metric())
  // SIGINT / SIGTERM stop training after the batch in progress and keep the best validated epoch
  // (train/interrupt.h); off for data-parallel ranks and library callers.
  bool interruptible = false;
};

struct EpochRecord {
  int epoch = 0;
  double loss = 0;  // mean loss per training event
  uint64_t events = 0;
  double seconds = 0;  // training time of the epoch (without validation)
  double events_per_second = 0;
  double valid_mrr = -1, valid_hr = -1;  // @20, next-item; -1 = not validated
  std::string valid_metric;              // the task's validation scalar ("" = not validated)
  double valid_value = 0;
  double valid_seconds = 0;
  double lr_factor = 1;
  bool best = false;
};

struct TrainSummary {
  std::vector<EpochRecord> epochs;
  int best_epoch = -1;                             // 0-based; -1 = no validation (last epoch kept)
  double best_valid_mrr = -1, best_valid_hr = -1;  // next-item
  std::string valid_metric;
  double best_valid_value = 0;
  double train_seconds = 0;    // all epochs, training only
  double wall_seconds = 0;     // training + validation
  double seconds_to_best = 0;  // wall time until the best epoch ended
  double events_per_second = 0;
  bool stopped_early = false;
  bool interrupted = false;  // stopped by SIGINT / SIGTERM in the epoch after the last recorded
};

// The summary as JSON (meta.json's "training", `kairos train --json`).
nlohmann::json to_json(const TrainSummary& s);

// Trains `t` on its own data; validates on data.valid() (model fitted on data.train()) as
// options.task says: next-item with the dataset's protocol, label tasks with the label evaluator
// (uncalibrated). Restores the best epoch's weights.
TrainSummary run_training(Trainable& t, const Dataset& data, const TrainOptions& options);

// The same loop for models whose data is not a session Dataset (the customer-level return task):
// `validate` (may be empty: no validation) returns the epoch's validation scalar — the one
// validation_metric(options.task) names — and may fill the record's valid_seconds.
using Validator = std::function<double(EpochRecord*)>;
TrainSummary run_training(Trainable& t, const Validator& validate, const TrainOptions& options);

}  // namespace kairos
