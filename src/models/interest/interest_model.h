// Interest models: one sequence encoder over a session's events with a head per interest task
// (tasks/task.h) — category (softmax over the dataset's categories), next-action (softmax over the
// behaviour types) and intent (P(a purchase is still to come)). One model can carry several heads
// (multi-task: one encoder, the heads' losses summed), so serving keeps one small state per
// session and answers every interest question with one step per event.
//
// Contract:
//  - `tasks` (hparams "tasks", e.g. ["category", "intent"]) names the heads; the first is the
//    primary task, whose validation scalar early stopping watches (tasks/task.h).
//  - fit() learns from `train` (data.train() when the model validates; data.valid() for early
//    stopping); data gives the vocabulary sizes and the item categories.
//  - The serving state is the model's own InterestState: start() gives an empty session's,
//    observe() advances it by one event (one recurrent step), predict() reads every head from it.
//    All three are const and thread-safe. Probabilities are the model's own (uncalibrated):
//    calibration is fitted on validation by the pipeline and stored with the artifact
//    (models/interest_artifact.h).
//  - The category head gives probability 0 to category 0 (unknown): it is never a target.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "models/run_options.h"
#include "tasks/intent_targets.h"
#include "tasks/task.h"

namespace kairos {

// A live session's interest state; each model derives its own.
struct InterestState {
  virtual ~InterestState() = default;
  virtual std::unique_ptr<InterestState> clone() const = 0;
  virtual size_t bytes() const = 0;  // approximate memory (the session store's byte bound)
};

// The state of models whose state is a vector of floats (a recurrent hidden state).
struct VectorInterestState final : InterestState {
  explicit VectorInterestState(size_t n) : v(n, 0.0f) {}
  std::vector<float> v;
  std::unique_ptr<InterestState> clone() const override {
    return std::make_unique<VectorInterestState>(*this);
  }
  size_t bytes() const override { return sizeof(*this) + v.capacity() * sizeof(float); }
};

struct InterestOutput {
  std::vector<float> category;     // [num_categories], empty without the head
  std::vector<float> next_action;  // [kNumEventTypes], empty without the head
  double intent = -1;              // P(target), -1 without the head
};

class InterestModel {
 public:
  virtual ~InterestModel() = default;
  virtual std::string name() const = 0;
  virtual const std::vector<Task>& tasks() const = 0;
  bool has(Task t) const;
  // The intent head's target (hparams "intent_target": converts | within, "within": N).
  virtual IntentTarget intent_target() const = 0;
  virtual uint32_t intent_within() const = 0;

  virtual void fit(const Dataset& data, const SessionSet& train) = 0;
  // How the next fit() runs (threads, training log); models that train epochs use it, others
  // ignore it. Not part of the model: never saved (models/run_options.h).
  virtual void set_run_options(const RunOptions&) {}

  virtual std::unique_ptr<InterestState> start() const = 0;
  virtual void observe(InterestState& state, uint32_t item, uint8_t type) const = 0;
  virtual InterestOutput predict(const InterestState& state) const = 0;

  virtual nlohmann::json hparams() const = 0;
  virtual nlohmann::json training_report() const { return nullptr; }
  // model.pt; load_weights also takes the item -> category ids the model was trained with.
  virtual void save_weights(const std::string& path) const = 0;
  virtual void load_weights(const std::string& path, uint32_t num_items,
                            std::vector<uint32_t> item_category, uint32_t num_categories) = 0;
};

// The output after replaying the first `n` events of a session from the empty state (what a live
// session's state holds after those events).
InterestOutput replay(const InterestModel& m, std::span<const uint32_t> items,
                      std::span<const uint8_t> types);

// Parses the "tasks" hyperparameter (a string or a list of task names, next-item excluded, no
// repeats); kUsage otherwise.
std::vector<Task> parse_interest_tasks(const nlohmann::json& tasks);

}  // namespace kairos
