// kairos train: fit one model (deep models: the Trainer's epoch loop with early stopping on the
// validation part), evaluate it on the test part, and write an artifact directory
// (models/artifact.h) that `kairos predict`, `kairos evaluate` and `kairos serve` load.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/model_config.h"
#include "core/error.h"
#include "core/system.h"
#include "data/atomic_file.h"
#include "eval/evaluator.h"
#include "eval/report.h"
#include "models/artifact.h"
#include "models/factory.h"

namespace kairos::cli {
namespace {

struct TrainFlags {
  std::string model, data, config, out, hparams_json, json_path, log_path;
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

void run_train(CLI::App* sub, const TrainFlags& f) {
  print_effective_config(*sub);
  ModelSpec spec = model_spec(load_model_config(f.config), f.model);
  const auto& infos = model_infos();
  const auto info = std::find_if(infos.begin(), infos.end(),
                                 [&](const ModelInfo& i) { return i.name == spec.model; });
  KAIROS_CHECK_USAGE(info == infos.end() || info->trained,
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
