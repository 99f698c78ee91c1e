#include "pipeline/train_and_save.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

#include "core/error.h"
#include "core/system.h"
#include "data/extend_vocabulary.h"
#include "eval/evaluator.h"
#include "eval/report.h"
#include "models/artifact.h"
#include "models/factory.h"
#include "pipeline/train_interest.h"

namespace kairos {
namespace {

// The model to fit: fresh, or the warm-start artifact's loaded and grown onto `*data` (which is
// replaced by its re-indexed form). `lineage` records where a warm start came from.
std::unique_ptr<SessionModel> model_to_fit(const TrainRequest& r, Dataset* data,
                                           nlohmann::json* lineage) {
  nlohmann::json hparams = r.hparams;
  if (r.train_since_ms) hparams["validate"] = false;
  auto model = make_model(r.model, hparams);
  if (r.warm_start.empty()) return model;
  const Artifact base = load_artifact(r.warm_start);
  KAIROS_CHECK_USAGE(base.model->name() == model->name(),
                     "--warm-start {} holds a {} model, not {}", r.warm_start, base.model->name(),
                     model->name());
  ExtendedDataset ext = extend_vocabulary(*data, base.items.names(), base.item_categories);
  model->load_weights((std::filesystem::path(r.warm_start) / "model.pt").string(),
                      base.num_items());
  model->grow_items(ext.dataset.num_items(), ext.dataset.item_category());
  spdlog::info("warm start from {}: {} items kept, {} new ({} events on new items)", r.warm_start,
               ext.base_items - 1, ext.new_items, ext.new_item_events);
  *lineage = {{"from", r.warm_start},
              {"from_created", base.meta.value("created", "")},
              {"base_items", ext.base_items},
              {"new_items", ext.new_items},
              {"new_item_events", ext.new_item_events}};
  *data = std::move(ext.dataset);
  return model;
}

TrainResult train_next_item(Dataset data, const TrainRequest& r) {
  nlohmann::json lineage;
  auto model = model_to_fit(r, &data, &lineage);
  model->set_run_options(r.run);
  TrainResult result;
  Stopwatch watch;
  const SessionSet train =
      r.train_since_ms ? data.train_full().from_time(*r.train_since_ms) : data.train_full();
  KAIROS_CHECK_USAGE(!train.empty(), "no training session starts after --train-since");
  if (r.train_since_ms) {
    spdlog::info("training on the {} sessions ({} events) from --train-since on", train.size(),
                 train.num_events());
  }
  model->fit(data, train);
  result.fit_seconds = watch.seconds();
  if (r.run.rank != 0) {  // data-parallel: one process (rank 0) evaluates and writes the artifact
    spdlog::info("rank {}: trained in {:.1f} s; rank 0 writes the artifact", r.run.rank,
                 result.fit_seconds);
    return result;
  }
  result.training = model->training_report();
  const std::string& label = r.label.empty() ? r.model : r.label;
  spdlog::info("{}: trained in {:.1f} s", label, result.fit_seconds);
  if (result.training.is_object() && result.training.contains("best_epoch")) {
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
  save_artifact(*model, data, r.out, result.metrics, lineage);
  result.warm_start = lineage;
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
  if (!warm_start.is_null()) j["warm_start"] = warm_start;
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
  KAIROS_CHECK_USAGE(r.warm_start.empty() || r.tasks.empty(),
                     "--warm-start is for next-item models (interest heads: not yet)");
  return r.tasks.empty() ? train_next_item(data, r) : train_interest(data, r);
}

}  // namespace kairos
