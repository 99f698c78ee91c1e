#include "pipeline/evaluate_models.h"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "core/error.h"
#include "core/system.h"
#include "eval/interest_calibration.h"
#include "models/artifact.h"
#include "models/factory.h"
#include "tasks/event_labels.h"
#include "train/trainer.h"

namespace kairos {

std::vector<eval::EvalResult> evaluate_next_item_models(const Dataset& data,
                                                        const std::vector<ModelEntry>& models,
                                                        const eval::EvalOptions& o) {
  std::vector<eval::EvalResult> results;
  for (const ModelEntry& m : models) {
    if (std::filesystem::is_directory(m.label)) {  // a trained artifact: no fitting
      KAIROS_CHECK_USAGE(o.part == "test", "{}: a trained artifact is evaluated on the test part",
                         m.label);
      set_inference_threads(1);  // the evaluator's threads score concurrently
      Artifact a = load_artifact(m.label);
      check_artifact_matches(a, data, m.label);
      eval::EvalResult r = eval::evaluate(*a.model, data, o);
      r.model = m.label;
      results.push_back(std::move(r));
      continue;
    }
    auto model = make_model(m.model, m.hparams);
    Stopwatch fit_watch;
    model->fit(data, o.part == "valid" ? data.train() : data.train_full());
    const double fit_s = fit_watch.seconds();
    spdlog::info("{}: fitted in {:.2f} s{}", m.label, fit_s,
                 m.hparams.empty() ? "" : " with " + m.hparams.dump());
    eval::EvalResult r = eval::evaluate(*model, data, o);
    r.model = m.label;
    r.fit_seconds = fit_s;
    results.push_back(std::move(r));
  }
  return results;
}

std::vector<eval::LabelEvalResult> evaluate_label_models(const Dataset& data, Task task,
                                                         const std::vector<ModelEntry>& models,
                                                         eval::LabelEvalOptions o,
                                                         const LabelCalibrationOptions& c) {
  const EventLabels labels = EventLabels::for_task(task, data);
  std::vector<eval::LabelEvalResult> results;
  for (const ModelEntry& m : models) {
    double temperature = 1.0, on_train_s = 0;
    std::unique_ptr<LabelModel> on_train;
    eval::TopLabelCalibrator top_label;
    if (o.part == "test" && c.calibrate) {
      on_train = make_any_label_model(m.model, m.hparams);
      Stopwatch watch;
      on_train->fit(labels, data, data.train());
      on_train_s = watch.seconds();
      temperature = eval::calibrate_temperature(*on_train, labels, data, o.min_prefix);
      if (c.top_label) {
        top_label = eval::fit_top_label(*on_train, labels, data, o.min_prefix, temperature);
      }
    }
    // Models that train epochs fit on train and stop early on valid whatever they are given (as
    // the deep next-item models): the calibration fit is the model.
    std::unique_ptr<LabelModel> model;
    Stopwatch fit_watch;
    double fit_s = 0;
    if (on_train && dynamic_cast<const Trainable*>(on_train.get()) != nullptr) {
      model = std::move(on_train);
      fit_s = on_train_s;
    } else {
      model = make_any_label_model(m.model, m.hparams);
      model->fit(labels, data, o.part == "valid" ? data.train() : data.train_full());
      fit_s = fit_watch.seconds();
    }
    spdlog::info("{}: fitted in {:.2f} s, temperature {:.3f}", m.label, fit_s, temperature);
    o.temperature = temperature;
    o.top_label = top_label.fitted() ? &top_label : nullptr;
    eval::LabelEvalResult r = eval::evaluate_labels(*model, labels, data, o);
    r.model = m.label;
    r.fit_seconds = fit_s;
    results.push_back(std::move(r));
  }
  return results;
}

std::vector<eval::IntentEvalResult> evaluate_intent_models(const Dataset& data,
                                                           const std::vector<ModelEntry>& models,
                                                           const eval::IntentEvalOptions& o) {
  KAIROS_CHECK_USAGE(!models.empty(), "no intent model named");
  std::vector<eval::IntentEvalResult> results;
  for (const ModelEntry& m : models) {
    // The deep ones read the events themselves.
    const bool sequence = m.model == "gru" || m.model == "heads";
    auto rows =
        sequence
            ? eval::evaluate_intent_sequence(
                  m.label, [&] { return make_sequence_intent_model(m.model, m.hparams); }, data, o)
            : eval::evaluate_intent(m.model, m.hparams, data, o);
    for (auto& r : rows) {
      r.model = m.label;
      results.push_back(std::move(r));
    }
  }
  return results;
}

}  // namespace kairos
