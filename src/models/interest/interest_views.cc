#include "models/interest/interest_views.h"

#include <algorithm>

#include "core/error.h"

namespace kairos {
namespace {

nlohmann::json with_tasks(nlohmann::json h, const nlohmann::json& tasks) {
  if (h.is_null()) h = nlohmann::json::object();
  KAIROS_CHECK_USAGE(h.is_object(), "hyperparameters must be an object");
  KAIROS_CHECK_USAGE(!h.contains("tasks"),
                     "'tasks' is set by the task being evaluated; train a multi-task model with "
                     "`kairos train --task a,b`");
  h["tasks"] = tasks;
  return h;
}

}  // namespace

InterestLabelView::InterestLabelView(const InterestModel& borrowed, Task task)
    : model_(&borrowed), task_(task) {
  KAIROS_CHECK_USAGE(borrowed.has(task), "{} has no {} head", borrowed.name(), task_name(task));
}

InterestLabelView::InterestLabelView(InterestMaker make, nlohmann::json hparams, std::string name)
    : make_(std::move(make)), hparams_(std::move(hparams)), name_(std::move(name)) {
  // Built now only to check the hyperparameters (the task comes with fit()).
  make_(with_tasks(hparams_, "category"));
}

std::string InterestLabelView::name() const { return model_ ? model_->name() : name_; }

nlohmann::json InterestLabelView::hparams() const { return model_ ? model_->hparams() : hparams_; }

void InterestLabelView::fit(const EventLabels& labels, const Dataset& data,
                            const SessionSet& train) {
  KAIROS_CHECK_USAGE(make_ != nullptr, "a borrowed interest head is fitted with its model");
  task_ = labels.task();
  owned_ = make_(with_tasks(hparams_, std::string(task_name(task_))));
  owned_->fit(data, train);
  model_ = owned_.get();
}

void InterestLabelView::predict(const SessionQuery& q, std::span<float> probs) const {
  KAIROS_CHECK_USAGE(model_ != nullptr, "predict before fit");
  const InterestOutput out = replay(*model_, q.items, q.types);
  const std::vector<float>& p = task_ == Task::kCategory ? out.category : out.next_action;
  KAIROS_ASSERT(p.size() == probs.size());
  std::copy(p.begin(), p.end(), probs.begin());
}

InterestIntentView::InterestIntentView(const InterestModel& borrowed) : model_(&borrowed) {
  KAIROS_CHECK_USAGE(borrowed.has(Task::kIntent), "{} has no intent head", borrowed.name());
}

InterestIntentView::InterestIntentView(InterestMaker make, nlohmann::json hparams, std::string name)
    : make_(std::move(make)), hparams_(std::move(hparams)), name_(std::move(name)) {
  make_(with_tasks(hparams_, "intent"));
}

std::string InterestIntentView::name() const { return model_ ? model_->name() : name_; }

void InterestIntentView::fit(const Dataset& data, IntentTarget target, uint32_t within) {
  KAIROS_CHECK_USAGE(make_ != nullptr, "a borrowed interest head is fitted with its model");
  nlohmann::json h = with_tasks(hparams_, "intent");
  KAIROS_CHECK_USAGE(!h.contains("intent_target") && !h.contains("within"),
                     "the intent target is set by the evaluation (--within)");
  h["intent_target"] = target == IntentTarget::kConverts ? "converts" : "within";
  h["within"] = within;
  owned_ = make_(h);
  owned_->fit(data, data.train());
  model_ = owned_.get();
}

double InterestIntentView::predict(const SessionView& s, uint32_t prefix) const {
  KAIROS_CHECK_USAGE(model_ != nullptr, "predict before fit");
  const size_t n = std::min<size_t>(prefix, s.size());
  return replay(*model_, s.items.subspan(0, n), s.types.subspan(0, n)).intent;
}

}  // namespace kairos
