// kairos train: maps its flags onto pipeline/train_and_save.h — fit one model (deep models: the
// Trainer's epoch loop with early stopping on the validation part), evaluate it on the test part,
// and write an artifact directory (models/artifact.h) that `kairos predict`, `kairos evaluate`
// and `kairos serve` load; with --task category,intent,... an interest model instead.
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/model_config.h"
#include "cli/parse_values.h"
#include "core/error.h"
#include "data/atomic_file.h"
#include "models/interest/interest_model.h"
#include "pipeline/train_and_save.h"

namespace kairos::cli {
namespace {

struct TrainFlags {
  std::string model, data, config, out, hparams_json, json_path, log_path, task = "next-item";
  std::string warm_start, train_since;
  int world_size = 1, rank = 0, dist_timeout_s = 120;
  std::string master = "127.0.0.1:29500";
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

// --warm-start: the artifact's model and hyperparameters (the architecture must match); flags
// then override training settings such as the epochs.
ModelSpec warm_start_spec(const TrainFlags& f) {
  const std::string path = (std::filesystem::path(f.warm_start) / "meta.json").string();
  std::ifstream in(path);
  KAIROS_CHECK_IO(in.good(), "--warm-start: cannot read {}", path);
  nlohmann::json meta;
  try {
    meta = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    KAIROS_THROW(ErrorKind::kInput, "{}: {}", path, e.what());
  }
  ModelSpec spec;
  const std::string name = meta.value("model", "");
  spec.model = f.model.empty() ? (name == "gru4rec-lstm" ? "gru4rec" : name) : f.model;
  spec.label = spec.model + "-warm";
  spec.hparams = meta.value("hparams", nlohmann::json::object());
  return spec;
}

void run_train(CLI::App* sub, const TrainFlags& f) {
  print_effective_config(*sub);
  KAIROS_CHECK_USAGE(!f.model.empty() || !f.warm_start.empty(), "--model is required");
  ModelSpec spec =
      f.warm_start.empty() ? model_spec(load_model_config(f.config), f.model) : warm_start_spec(f);
  TrainRequest r;
  r.tasks = interest_tasks(f.task);
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
  if (f.seed >= 0) spec.hparams["seed"] = f.seed;
  r.model = spec.model;
  r.label = spec.label;
  r.hparams = std::move(spec.hparams);
  r.out = f.out.empty() ? default_out(r.label) : f.out;
  if (f.threads > 0) r.run.threads = f.threads;
  r.run.world_size = f.world_size;
  r.run.rank = f.rank;
  r.run.master = f.master;
  r.run.dist_timeout_s = f.dist_timeout_s;
  r.run.interruptible = true;  // Ctrl-C keeps the best epoch so far (docs/models.md)
  r.run.log = f.log_path.empty() ? r.out + ".train_log.jsonl" : f.log_path;
  if (r.run.rank > 0) r.run.log += ".rank" + std::to_string(r.run.rank);
  r.evaluate = !f.no_eval;
  r.eval_threads = f.eval_threads;
  r.min_prefix = f.min_prefix;
  r.warm_start = f.warm_start;
  if (!f.train_since.empty()) r.train_since_ms = parse_utc_date_ms(f.train_since);
  check_train_request(r);
  const Dataset data = Dataset::load(f.data);
  std::filesystem::create_directories(std::filesystem::path(r.out).parent_path());
  std::filesystem::remove(r.run.log);
  spdlog::info("training log: {}", r.run.log);
  const TrainResult result = train_and_save(data, r);
  std::printf("%s", result.tables.c_str());
  std::fflush(stdout);
  if (r.run.rank == 0) spdlog::info("wrote {}", r.out);
  // Every rank of a data-parallel run gets the same --json: rank 0's summary (with the test
  // metrics) goes there, the others' beside it as PATH.rankN, as their logs do — not all to one
  // file, where the last rank to finish would win.
  if (!f.json_path.empty()) {
    const std::string path =
        f.json_path + (r.run.rank > 0 ? ".rank" + std::to_string(r.run.rank) : "");
    write_file_atomic(path, result.to_json(r).dump(2) + "\n");
  }
}

}  // namespace

void add_train_command(CLI::App& root) {
  auto f = std::make_shared<TrainFlags>();
  CLI::App* sub = root.add_subcommand(
      "train", "Train a model on a prepared dataset and write a model artifact directory");
  sub->add_option("--model", f->model,
                  "Model name or a label of --model-config (with --warm-start: the artifact's)");
  sub->add_option("--warm-start", f->warm_start,
                  "Continue from this artifact on --data: its weights, optimiser state and "
                  "hyperparameters; new items get rows (docs/ONLINE.md)");
  sub->add_option(
         "--world-size", f->world_size,
         "Data-parallel training: number of processes (scripts/train-parallel starts them)")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  sub->add_option("--rank", f->rank, "Data-parallel: this process's rank (0 writes the artifact)")
      ->capture_default_str();
  sub->add_option("--master", f->master, "Data-parallel: rendezvous HOST:PORT (rank 0 listens)")
      ->capture_default_str();
  sub->add_option("--dist-timeout", f->dist_timeout_s,
                  "Data-parallel: seconds before a silent peer fails the run")
      ->capture_default_str();
  sub->add_option("--train-since", f->train_since,
                  "Fit only on training sessions starting at or after this UTC time, fixed epochs "
                  "(the new days of a warm start)");
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
  sub->add_option("--json", f->json_path,
                  "Write the training summary and test metrics here (ranks > 0: PATH.rankN)");
  sub->add_flag("--no-eval", f->no_eval, "Skip the test-part evaluation after training");
  sub->add_option("--eval-threads", f->eval_threads, "Threads for the test evaluation")
      ->capture_default_str();
  sub->add_option("--min-prefix", f->min_prefix,
                  "Shortest input prefix in the test evaluation (RetailRocket's protocol: 2)")
      ->capture_default_str();
  sub->callback([sub, f] { run_train(sub, *f); });
}

}  // namespace kairos::cli
