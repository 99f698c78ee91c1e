// Models of the label tasks (tasks/task.h: category, next-action): from a session prefix, a
// probability distribution over the task's classes for the next event. The baselines here count;
// deep label heads plug in through the same interface.
//
// Contract: fit() learns from the training sessions `train` only (`data` gives sizes and, for
// models that train epochs, the validation part their early stopping watches); predict() sees
// the prefix only (the evaluator hands it nothing else) and fills `probs` (size
// labels.num_classes()) with probabilities that sum to 1, the unknown class (if the label space has
// one) at 0. predict() is const and thread-safe. The probabilities are calibrated afterwards by a
// temperature fitted on validation (eval/label_evaluator.h), so a model need not be calibrated
// itself.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "models/session_model.h"
#include "tasks/event_labels.h"

namespace kairos {

class LabelModel {
 public:
  virtual ~LabelModel() = default;
  virtual std::string name() const = 0;
  virtual void fit(const EventLabels& labels, const Dataset& data, const SessionSet& train) = 0;
  virtual void predict(const SessionQuery& prefix, std::span<float> probs) const = 0;
  virtual nlohmann::json hparams() const { return nlohmann::json::object(); }
};

// "popularity", "markov", "session-decay" (label_models.cc); unknown names and hyperparameters
// are kUsage errors. The deep label models ("gru") come from make_any_label_model
// (models/factory.h), which also knows these.
std::unique_ptr<LabelModel> make_label_model(
    std::string_view name, const nlohmann::json& hparams = nlohmann::json::object());
const std::vector<std::string>& label_model_names();

// Target frequency of each class over the training events that are targets (every event after a
// session's first), plus `alpha` per target class; normalized. Non-target classes get 0.
std::vector<double> label_prior(const EventLabels& labels, const SessionSet& train, double alpha);

}  // namespace kairos
