#include "pipeline/train_interest.h"

#include <spdlog/spdlog.h>

#include "core/error.h"
#include "core/system.h"
#include "eval/intent_evaluator.h"
#include "eval/interest_calibration.h"
#include "eval/label_evaluator.h"
#include "eval/label_report.h"
#include "models/artifact.h"
#include "models/factory.h"
#include "models/interest/interest_views.h"
#include "tasks/event_labels.h"

namespace kairos {

InterestTrainResult train_interest_and_save(const Dataset& data, const InterestTrainOptions& o) {
  KAIROS_CHECK_USAGE(!o.tasks.empty(), "name at least one interest task");
  KAIROS_CHECK_USAGE(!o.out.empty(), "no artifact directory");
  nlohmann::json hparams = o.hparams.is_null() ? nlohmann::json::object() : o.hparams;
  KAIROS_CHECK_USAGE(hparams.is_object() && !hparams.contains("tasks"),
                     "the heads come from --task, not from the hyperparameters");
  for (Task t : o.tasks) hparams["tasks"].push_back(std::string(task_name(t)));
  std::unique_ptr<InterestModel> model = make_interest_model(o.model, hparams);
  model->set_run_options(o.run);

  InterestTrainResult result;
  Stopwatch watch;
  model->fit(data, data.train_full());
  result.fit_seconds = watch.seconds();
  result.training = model->training_report();

  // Calibration on validation, test metrics per head.
  eval::InterestCalibration calibration;
  const bool validated = !data.valid().empty();
  if (!validated) spdlog::warn("no validation part: the heads are saved uncalibrated");
  result.metrics = nlohmann::json::object();
  for (Task t : model->tasks()) {
    const std::string head(task_name(t));
    if (t == Task::kIntent) {
      if (!validated) continue;
      const InterestIntentView view(*model);
      eval::IntentEvalOptions eo;
      eo.within = model->intent_within();
      eo.min_prefix = o.min_prefix;
      eo.threads = o.eval_threads;
      eo.progress = false;
      eo.bootstrap = o.evaluate ? 1000 : 0;
      eval::IsotonicCalibrator iso;
      eval::IntentEvalResult r =
          eval::evaluate_fitted_intent(o.model, view, model->intent_target(), data, eo, &iso);
      calibration.intent = iso;
      r.fit_seconds = result.fit_seconds;
      if (o.evaluate) {
        result.metrics[head] = eval::to_json(r);
        result.tables += eval::to_table({r});
      }
      continue;
    }
    const EventLabels labels = EventLabels::for_task(t, data);
    const InterestLabelView view(*model, t);
    const double temperature =
        validated ? eval::calibrate_temperature(view, labels, data, o.min_prefix) : 1.0;
    (t == Task::kCategory ? calibration.category_temperature : calibration.action_temperature) =
        temperature;
    auto& top = t == Task::kCategory ? calibration.category_top : calibration.action_top;
    if (validated && o.top_label) {
      top = eval::fit_top_label(view, labels, data, o.min_prefix, temperature);
    }
    if (o.evaluate) {
      eval::LabelEvalOptions eo;
      eo.min_prefix = o.min_prefix;
      eo.threads = o.eval_threads;
      eo.temperature = temperature;
      eo.top_label = top ? &*top : nullptr;
      if (t == Task::kNextAction) eo.cutoffs = {1, 2};  // four classes
      eo.progress = false;
      eval::LabelEvalResult r = eval::evaluate_labels(view, labels, data, eo);
      r.model = o.model;
      r.fit_seconds = result.fit_seconds;
      result.metrics[head] = eval::to_json(r);
      result.tables += eval::to_table({r});
    }
  }
  if (!o.evaluate) result.metrics = nullptr;
  result.calibration = calibration.to_json();
  save_interest_artifact(*model, data, o.out, result.calibration, result.metrics);
  result.model = std::move(model);
  return result;
}

}  // namespace kairos
