#include "pipeline/train_and_save.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/error.h"
#include "core/system.h"
#include "eval/evaluator.h"
#include "eval/report.h"
#include "models/artifact.h"
#include "models/factory.h"
#include "pipeline/train_interest.h"

namespace kairos {
namespace {

TrainResult train_next_item(const Dataset& data, const TrainRequest& r) {
  auto model = make_model(r.model, r.hparams);
  model->set_run_options(r.run);
  TrainResult result;
  Stopwatch watch;
  model->fit(data, data.train_full());
  result.fit_seconds = watch.seconds();
  result.training = model->training_report();
  const std::string& label = r.label.empty() ? r.model : r.label;
  spdlog::info("{}: trained in {:.1f} s", label, result.fit_seconds);
  if (result.training.is_object()) {
    spdlog::info(
        "{}: best epoch {} (valid MRR@20 {:.4f}) reached after {:.1f} s wall; {:.0f} training "
        "events/s",
        label, result.training.value("best_epoch", 0),
        result.training.value("best_valid_MRR@20", -1.0),
        result.training.value("seconds_to_best", 0.0), result.training.value("events_per_s", 0.0));
  }
  if (r.evaluate) {
    eval::EvalOptions o;
    o.cutoffs = {10, 20};
    o.min_prefix = r.min_prefix;
    o.bootstrap = 0;
    o.threads = r.eval_threads;
    eval::EvalResult e = eval::evaluate(*model, data, o);
    e.model = label;
    e.fit_seconds = result.fit_seconds;
    result.tables = eval::to_table({e});
    result.metrics = eval::to_json(e);
  }
  save_artifact(*model, data, r.out, result.metrics);
  return result;
}

TrainResult train_interest(const Dataset& data, const TrainRequest& r) {
  InterestTrainOptions o;
  o.model = r.model;
  o.hparams = r.hparams;
  o.tasks = r.tasks;
  o.run = r.run;
  o.out = r.out;
  o.evaluate = r.evaluate;
  o.eval_threads = r.eval_threads;
  o.min_prefix = r.min_prefix;
  InterestTrainResult i = train_interest_and_save(data, o);
  spdlog::info("{}: trained in {:.1f} s", r.label.empty() ? r.model : r.label, i.fit_seconds);
  TrainResult result;
  result.training = std::move(i.training);
  result.metrics = std::move(i.metrics);
  result.calibration = std::move(i.calibration);
  result.tables = std::move(i.tables);
  result.fit_seconds = i.fit_seconds;
  return result;
}

}  // namespace

nlohmann::json TrainResult::to_json(const TrainRequest& r) const {
  nlohmann::json j = {{"artifact", r.out},
                      {"model", r.model},
                      {"label", r.label.empty() ? r.model : r.label},
                      {"fit_seconds", fit_seconds},
                      {"training", training},
                      {"metrics", metrics}};
  if (!r.tasks.empty()) {
    std::string names;
    for (Task t : r.tasks) names += (names.empty() ? "" : ",") + std::string(task_name(t));
    j["task"] = names;
    j["calibration"] = calibration;
  }
  return j;
}

void check_train_request(const TrainRequest& r) {
  KAIROS_CHECK_USAGE(!r.out.empty(), "no artifact directory");
  if (!r.tasks.empty()) return;
  const auto& infos = model_infos();
  const auto info = std::find_if(infos.begin(), infos.end(),
                                 [&](const ModelInfo& i) { return i.name == r.model; });
  KAIROS_CHECK_USAGE(info == infos.end() || info->trained,
                     "{}: only the deep models write artifacts so far; evaluate baselines with "
                     "`kairos evaluate --models {}`",
                     r.model, r.model);
}

TrainResult train_and_save(const Dataset& data, const TrainRequest& r) {
  check_train_request(r);
  return r.tasks.empty() ? train_next_item(data, r) : train_interest(data, r);
}

}  // namespace kairos
