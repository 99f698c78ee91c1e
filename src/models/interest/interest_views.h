// An interest model's heads seen through the task interfaces the evaluators and the trainer's
// validation already speak: a label head (category, next-action) as a LabelModel, the intent head
// as a SequenceIntentModel. Each prediction replays the prefix from the empty state.
//
// A view either borrows a fitted model (validation of a multi-task model by its primary head) or
// owns one it builds at fit() with the hyperparameters it was given and tasks = [its own task]
// (`kairos evaluate --task category --models gru`: a single-head interest model).
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "models/intent/sequence_intent.h"
#include "models/interest/interest_model.h"
#include "models/labels/label_model.h"

namespace kairos {

using InterestMaker = std::function<std::unique_ptr<InterestModel>(const nlohmann::json&)>;

class InterestLabelView final : public LabelModel {
 public:
  InterestLabelView(const InterestModel& borrowed, Task task);
  // `name`: the model's name before it is built ("gru", "heads").
  InterestLabelView(InterestMaker make, nlohmann::json hparams, std::string name = "gru");
  std::string name() const override;
  void fit(const EventLabels& labels, const Dataset& data, const SessionSet& train) override;
  void predict(const SessionQuery& prefix, std::span<float> probs) const override;
  nlohmann::json hparams() const override;

 private:
  InterestMaker make_;
  nlohmann::json hparams_;
  std::string name_ = "gru";
  std::unique_ptr<InterestModel> owned_;
  const InterestModel* model_ = nullptr;
  Task task_ = Task::kCategory;
};

class InterestIntentView final : public SequenceIntentModel {
 public:
  explicit InterestIntentView(const InterestModel& borrowed);
  InterestIntentView(InterestMaker make, nlohmann::json hparams, std::string name = "gru");
  std::string name() const override;
  void fit(const Dataset& data, IntentTarget target, uint32_t within) override;
  double predict(const SessionView& session, uint32_t prefix) const override;

 private:
  InterestMaker make_;
  nlohmann::json hparams_;
  std::string name_ = "gru";
  std::unique_ptr<InterestModel> owned_;
  const InterestModel* model_ = nullptr;
};

}  // namespace kairos
