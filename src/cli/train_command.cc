// kairos train: fit one model (deep models: the Trainer's epoch loop with early stopping on the
// validation part), evaluate it on the test part, and write an artifact directory
// (models/artifact.h) that `kairos predict`, `kairos evaluate` and `kairos serve` load. With
// --task category,intent,... it trains an interest model instead (pipeline/train_interest.h).
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/model_config.h"
#include "cli/parse_values.h"
#include "core/error.h"
#include "core/system.h"
#include "data/atomic_file.h"
#include "eval/evaluator.h"
#include "eval/report.h"
#include "models/artifact.h"
#include "models/factory.h"
#include "models/interest/interest_model.h"
#include "pipeline/train_interest.h"

namespace kairos::cli {
namespace {

struct TrainFlags {
  std::string model, data, config, out, hparams_json, json_path, log_path, task = "next-item";
  int epochs = 0, threads = 0;
  int64_t seed = -1;
  bool no_eval = false;
  int eval_threads = 2;
  uint32_t min_prefix = 1;
};

std::string default_out(const std::string& label) {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
  return "models/" + label + "/" + buf;
}

// The interest heads named by --task (a comma-separated list), or none for next-item.
std::vector<Task> interest_tasks(const std::string& flag) {
  std::vector<Task> tasks;
  for (const auto& name : split_list(flag)) tasks.push_back(parse_task(name));
  if (tasks.size() == 1 && tasks[0] == Task::kNextItem) return {};
  const nlohmann::json names = split_list(flag);
  return parse_interest_tasks(names);  // refuses next-item among interest heads, repeats
}

void run_train_interest(const TrainFlags& f, ModelSpec spec, const Dataset& data,
                        std::vector<Task> tasks, const std::string& out) {
  InterestTrainOptions o;
  o.model = spec.model;
  o.hparams = std::move(spec.hparams);
  o.tasks = std::move(tasks);
  o.out = out;
  o.evaluate = !f.no_eval;
  o.eval_threads = f.eval_threads;
  o.min_prefix = f.min_prefix;
  const InterestTrainResult r = train_interest_and_save(data, o);
  spdlog::info("{}: trained in {:.1f} s", spec.label, r.fit_seconds);
  std::printf("%s", r.tables.c_str());
  std::fflush(stdout);
  spdlog::info("wrote {}", out);
  if (!f.json_path.empty()) {
    const nlohmann::json j = {{"artifact", out},
                              {"model", spec.model},
                              {"label", spec.label},
                              {"task", f.task},
                              {"fit_seconds", r.fit_seconds},
                              {"training", r.training},
                              {"calibration", r.calibration},
                              {"metrics", r.metrics}};
    write_file_atomic(f.json_path, j.dump(2) + "\n");
  }
}

void run_train(CLI::App* sub, const TrainFlags& f) {
  print_effective_config(*sub);
  ModelSpec spec = model_spec(load_model_config(f.config), f.model);
  const std::vector<Task> tasks = interest_tasks(f.task);
  const auto& infos = model_infos();
  const auto info = std::find_if(infos.begin(), infos.end(),
                                 [&](const ModelInfo& i) { return i.name == spec.model; });
  KAIROS_CHECK_USAGE(!tasks.empty() || info == infos.end() || info->trained,
                     "{}: only the deep models write artifacts so far; evaluate baselines with "
                     "`kairos evaluate --models {}`",
                     spec.model, spec.model);
  const Dataset data = Dataset::load(f.data);
  if (!f.hparams_json.empty()) {
    nlohmann::json extra;
    try {
      extra = nlohmann::json::parse(f.hparams_json);
    } catch (const nlohmann::json::exception& e) {
      KAIROS_THROW(ErrorKind::kUsage, "--hparams is not JSON: {}", e.what());
    }
    KAIROS_CHECK_USAGE(extra.is_object(), "--hparams must be a JSON object");
    spec.hparams.update(extra);
  }
  if (f.epochs > 0) spec.hparams["n_epochs"] = f.epochs;
  if (f.threads > 0) spec.hparams["threads"] = f.threads;
  if (f.seed >= 0) spec.hparams["seed"] = f.seed;
  const std::string out = f.out.empty() ? default_out(spec.label) : f.out;
  const std::string log = f.log_path.empty() ? out + ".train_log.jsonl" : f.log_path;
  std::filesystem::create_directories(std::filesystem::path(out).parent_path());
  std::filesystem::remove(log);
  spec.hparams["log"] = log;
  if (!tasks.empty()) {
    spdlog::info("training log: {}", log);
    run_train_interest(f, std::move(spec), data, tasks, out);
    return;
  }
  auto model = make_model(spec.model, spec.hparams);
  spdlog::info("training log: {}", log);

  Stopwatch watch;
  model->fit(data, data.train_full());
  const double fit_s = watch.seconds();
  spdlog::info("{}: trained in {:.1f} s", spec.label, fit_s);
  if (const nlohmann::json rep = model->training_report(); rep.is_object()) {
    spdlog::info(
        "{}: best epoch {} (valid MRR@20 {:.4f}) reached after {:.1f} s wall; {:.0f} training "
        "events/s",
        spec.label, rep.value("best_epoch", 0), rep.value("best_valid_MRR@20", -1.0),
        rep.value("seconds_to_best", 0.0), rep.value("events_per_s", 0.0));
  }

  nlohmann::json metrics = nullptr;
  if (!f.no_eval) {
    eval::EvalOptions o;
    o.cutoffs = {10, 20};
    o.min_prefix = f.min_prefix;
    o.bootstrap = 0;
    o.threads = f.eval_threads;
    eval::EvalResult r = eval::evaluate(*model, data, o);
    r.model = spec.label;
    r.fit_seconds = fit_s;
    std::printf("%s", eval::to_table({r}).c_str());
    std::fflush(stdout);
    metrics = eval::to_json(r);
  }
  save_artifact(*model, data, out, metrics);
  spdlog::info("wrote {}", out);
  if (!f.json_path.empty()) {
    const nlohmann::json j = {{"artifact", out},
                              {"model", spec.model},
                              {"label", spec.label},
                              {"fit_seconds", fit_s},
                              {"training", model->training_report()},
                              {"metrics", metrics}};
    write_file_atomic(f.json_path, j.dump(2) + "\n");
  }
}

}  // namespace

void add_train_command(CLI::App& root) {
  auto f = std::make_shared<TrainFlags>();
  CLI::App* sub = root.add_subcommand(
      "train", "Train a model on a prepared dataset and write a model artifact directory");
  sub->add_option("--model", f->model, "Model name or a label of --model-config")->required();
  sub->add_option("--task", f->task,
                  "next-item, or interest heads on one encoder: category, next-action, intent "
                  "(comma-separated; the first is the one early stopping watches)")
      ->capture_default_str();
  sub->add_option("--data", f->data, "Prepared dataset directory")->required();
  sub->add_option("--model-config", f->config,
                  "YAML/JSON map: label -> hyperparameters (e.g. configs/diginetica.yaml)");
  sub->add_option("--hparams", f->hparams_json,
                  "JSON object of hyperparameters (wins over the file)");
  sub->add_option("--out", f->out, "Artifact directory (default models/LABEL/UTC-TIME)");
  sub->add_option("--epochs", f->epochs, "Override the number of epochs");
  sub->add_option("--threads", f->threads,
                  "Threads for the large products while training (LibTorch stays at 1)");
  sub->add_option("--seed", f->seed, "Override the seed");
  sub->add_option("--log", f->log_path, "JSON-lines training log (default OUT.train_log.jsonl)");
  sub->add_option("--json", f->json_path, "Write the training summary and test metrics here");
  sub->add_flag("--no-eval", f->no_eval, "Skip the test-part evaluation after training");
  sub->add_option("--eval-threads", f->eval_threads, "Threads for the test evaluation")
      ->capture_default_str();
  sub->add_option("--min-prefix", f->min_prefix,
                  "Shortest input prefix in the test evaluation (RetailRocket's protocol: 2)")
      ->capture_default_str();
  sub->callback([sub, f] { run_train(sub, *f); });
}

}  // namespace kairos::cli
