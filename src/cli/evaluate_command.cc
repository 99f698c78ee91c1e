// kairos evaluate: maps its flags onto pipeline/evaluate_models.h (fit, or load for artifact
// directories, each model and evaluate all on one prepared dataset), prints one table, writes
// JSON and CSV (docs/PROTOCOLS.md).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/model_config.h"
#include "cli/parse_values.h"
#include "core/error.h"
#include "core/event_type.h"
#include "data/atomic_file.h"
#include "data/transactions.h"
#include "eval/audience_evaluator.h"
#include "eval/forecast_evaluator.h"
#include "eval/label_report.h"
#include "eval/report.h"
#include "eval/return_evaluator.h"
#include "models/audience/audience_model.h"
#include "models/factory.h"
#include "models/forecast/forecaster.h"
#include "pipeline/evaluate_models.h"
#include "tasks/event_labels.h"
#include "tasks/task.h"

namespace kairos::cli {
namespace {

struct EvaluateFlags {
  std::string data, models = "pop,markov,vsknn", model_config, json_path, csv_path;
  std::string protocol, ties = "conservative", cutoffs = "5,10,20", sampled_mode = "uniform";
  std::string part = "test", task = "next-item", target_types, calibration = "temperature";
  std::string format, cutoff;  // return task: transactions format and cut-off date
  std::string level = "item";  // demand: item | category series
  int32_t horizon_days = 0;
  int origins = 8;          // demand: rolling origins
  uint32_t min_days = 100;  // demand: items sold on at least this many days
  uint32_t min_buyers = 5;  // audience: new items with at least this many known buyers
  bool calibrate = true;
  uint32_t within = 5;
  uint64_t max_train_cases = 0;
  uint32_t min_prefix = 1, sampled = 0, bootstrap = 1000;
  int threads = 2;
  uint64_t seed = 42, max_cases = 0;
};

// --csv, or the --json path with .csv for .json (empty: no CSV).
std::string csv_path(const EvaluateFlags& f) {
  if (!f.csv_path.empty()) return f.csv_path;
  return f.json_path.size() > 5 && f.json_path.ends_with(".json")
             ? f.json_path.substr(0, f.json_path.size() - 5) + ".csv"
             : "";
}

// Prints the table, writes the JSON (dataset, fingerprint, `header` and "results") and the CSV.
template <typename Result>
void report(const EvaluateFlags& f, const Dataset& data, nlohmann::json header,
            const std::vector<Result>& results) {
  std::printf("%s", eval::to_table(results).c_str());
  std::fflush(stdout);
  header["dataset"] = f.data;
  header["fingerprint"] = data.fingerprint();
  header["results"] = nlohmann::json::array();
  for (const auto& r : results) header["results"].push_back(eval::to_json(r));
  if (!f.json_path.empty()) write_file_atomic(f.json_path, header.dump(2) + "\n");
  const std::string csv = csv_path(f);
  if (!csv.empty()) write_file_atomic(csv, eval::to_csv(results));
}

// The models named by a --models list: config labels, model names or (next-item) artifact
// directories.
std::vector<ModelEntry> entries(const EvaluateFlags& f, const std::string& models,
                                bool artifacts = false) {
  const nlohmann::json config = load_model_config(f.model_config);
  std::vector<ModelEntry> out;
  for (const auto& name : split_list(models)) {
    if (artifacts && std::filesystem::is_directory(name)) {
      out.push_back({name, "", nlohmann::json::object()});
      continue;
    }
    ModelSpec spec = model_spec(config, name);
    out.push_back({name, spec.model, std::move(spec.hparams)});
  }
  return out;
}

// Label tasks (category, next-action): each model is fitted on train, its temperature fitted on
// valid, then refitted on train + valid and evaluated on test with that temperature. With
// --part valid the model is fitted on train and evaluated uncalibrated (T = 1).
void run_evaluate_labels(CLI::App* sub, const EvaluateFlags& f, const Dataset& data, Task task) {
  eval::LabelEvalOptions o;
  o.part = f.part;
  o.min_prefix = f.min_prefix;
  if (task == Task::kNextAction) o.cutoffs = {1, 2};  // four classes
  if (sub->count("--cutoffs") > 0) {
    o.cutoffs.clear();
    for (const auto& c : split_list(f.cutoffs)) o.cutoffs.push_back(std::stoi(c));
  }
  o.threads = f.threads;
  o.seed = f.seed;
  o.bootstrap = f.bootstrap;
  o.max_cases = f.max_cases;
  KAIROS_CHECK_USAGE(f.sampled == 0, "--sampled applies to the next-item task only");
  const std::string models =
      sub->count("--models") > 0 ? f.models : "popularity,markov,session-decay";
  LabelCalibrationOptions c;
  c.calibrate = f.calibrate;
  c.top_label = f.calibration == "top-label";
  const auto results = evaluate_label_models(data, task, entries(f, models), o, c);
  // Every model against the first (the baseline) on the same cases: paired, sessions resampled.
  const auto paired = eval::compare_labels(results, f.bootstrap, f.seed);
  nlohmann::json header = {{"task", std::string(task_name(task))},
                           {"classes", EventLabels::for_task(task, data).num_classes()}};
  header["paired"] = nlohmann::json::array();
  for (const auto& p : paired) header["paired"].push_back(eval::to_json(p));
  report(f, data, header, results);
  std::printf("%s", eval::to_table(paired).c_str());
}

// Intent: each model for both targets (converts, within-N); see eval/intent_evaluator.h.
void run_evaluate_intent(CLI::App* sub, const EvaluateFlags& f, const Dataset& data) {
  KAIROS_CHECK_USAGE(f.part == "test", "the intent task evaluates on test (valid calibrates)");
  KAIROS_CHECK_USAGE(f.sampled == 0, "--sampled applies to the next-item task only");
  eval::IntentEvalOptions o;
  o.within = f.within;
  o.min_prefix = f.min_prefix;
  o.max_train_cases = f.max_train_cases;
  o.threads = f.threads;
  o.seed = f.seed;
  o.bootstrap = f.bootstrap;
  const std::string models = sub->count("--models") > 0 ? f.models : "logistic,gbdt";
  const auto results = evaluate_intent_models(data, entries(f, models), o);
  // Every model against the first (the baseline) on the same cases: paired, sessions resampled.
  const auto paired = eval::compare_intent(results, f.bootstrap, f.seed);
  nlohmann::json header = {{"task", "intent"}, {"within", f.within}};
  header["paired"] = nlohmann::json::array();
  for (const auto& c : paired) header["paired"].push_back(eval::to_json(c));
  report(f, data, header, results);
  std::printf("%s", eval::to_table(paired).c_str());
}

// The model list of a transactions task: --models, or every model of the task in this build.
std::vector<eval::ModelSpec> transaction_models(CLI::App* sub, const EvaluateFlags& f,
                                                const std::vector<std::string>& all) {
  const std::string models =
      sub->count("--models") > 0 ? f.models : fmt::format("{}", fmt::join(all, ","));
  std::vector<eval::ModelSpec> specs;
  for (const auto& m : entries(f, models)) specs.push_back({m.label, m.model, m.hparams});
  return specs;
}

// Prints a transactions task's table and writes its JSON (with the input named) and CSV.
template <typename Evaluation>
void write_evaluation(const EvaluateFlags& f, const Evaluation& e, nlohmann::json extra = {}) {
  std::printf("%s", eval::to_table(e).c_str());
  std::fflush(stdout);
  nlohmann::json j = eval::to_json(e);
  j["data"] = f.data;
  j["format"] = f.format;
  if (extra.is_object()) j.update(extra);
  if (!f.json_path.empty()) write_file_atomic(f.json_path, j.dump(2) + "\n");
  const std::string csv = csv_path(f);
  if (!csv.empty()) write_file_atomic(csv, eval::to_csv(e));
}

// Return / churn: customer-level, from raw transactions (eval/return_evaluator.h).
void run_evaluate_return(CLI::App* sub, const EvaluateFlags& f) {
  KAIROS_CHECK_USAGE(!f.cutoff.empty() && f.horizon_days > 0,
                     "--task return needs --cutoff YYYY-MM-DD and --horizon-days N");
  const Transactions t = read_transaction_flags(f.data, f.format, /*anonymous=*/false);
  eval::ReturnEvalOptions o;
  o.cutoff_day = eval::parse_day(f.cutoff, "--cutoff");
  o.horizon_days = f.horizon_days;
  o.threads = f.threads;
  o.seed = f.seed;
  o.bootstrap = f.bootstrap;
  const auto specs = transaction_models(sub, f, any_return_model_names());
  const eval::ReturnEvaluation e = eval::evaluate_return(
      t, specs, o,
      [](const std::string& name, const nlohmann::json& h, int threads, uint64_t seed) {
        return make_any_return_model(name, h, threads, seed);
      });
  write_evaluation(f, e, {{"purchase_lines", t.size()}, {"rows_skipped", t.report.rows_skipped()}});
}

// Demand: rolling-origin daily forecasts from transactions (eval/forecast_evaluator.h).
void run_evaluate_demand(CLI::App* sub, const EvaluateFlags& f) {
  KAIROS_CHECK_USAGE(f.cutoff.empty(),
                     "--cutoff is for --task return (demand forecasts the "
                     "last --origins weeks of the data)");
  const Transactions t =
      demand_level(read_transaction_flags(f.data, f.format, /*anonymous=*/true), f.level);
  eval::ForecastEvalOptions o;
  if (f.horizon_days > 0) o.horizon = f.horizon_days;
  o.origins = f.origins;
  o.min_days = f.min_days;
  o.threads = f.threads;
  o.seed = f.seed;
  const auto specs = transaction_models(sub, f, any_forecaster_names());
  const eval::ForecastEvaluation e = eval::evaluate_forecasts(
      t, specs, o,
      [](const std::string& name, const nlohmann::json& h, int threads, uint64_t seed) {
        return make_any_forecaster(name, h, threads, seed);
      });
  write_evaluation(f, e);
}

// Audience: known customers ranked for items first sold from --cutoff
// (eval/audience_evaluator.h).
void run_evaluate_audience(CLI::App* sub, const EvaluateFlags& f) {
  KAIROS_CHECK_USAGE(!f.cutoff.empty(),
                     "--task audience needs --cutoff YYYY-MM-DD (items first "
                     "sold from that day are the new products)");
  const Transactions t = read_transaction_flags(f.data, f.format, /*anonymous=*/false);
  eval::AudienceEvalOptions o;
  o.cutoff_day = eval::parse_day(f.cutoff, "--cutoff");
  o.min_buyers = f.min_buyers;
  o.campaign_horizon_days = f.horizon_days;  // given: campaign themes instead of new products
  o.seed = f.seed;
  o.bootstrap = f.bootstrap;
  const auto specs = transaction_models(sub, f, any_audience_model_names());
  const eval::AudienceEvaluation e =
      eval::evaluate_audiences(t, specs, o, [](const std::string& name, const nlohmann::json& h) {
        return make_any_audience_model(name, h);
      });
  write_evaluation(f, e);
}

void run_evaluate(CLI::App* sub, const EvaluateFlags& f) {
  print_effective_config(*sub);
  const Task task = parse_task(f.task);
  if (task == Task::kReturn) return run_evaluate_return(sub, f);
  if (task == Task::kDemand) return run_evaluate_demand(sub, f);
  if (task == Task::kAudience) return run_evaluate_audience(sub, f);
  KAIROS_CHECK_USAGE(f.format.empty() && f.cutoff.empty() && f.horizon_days == 0,
                     "--format, --cutoff and --horizon-days are for the transaction tasks (return, "
                     "demand, audience)");
  const Dataset data = Dataset::load(f.data);
  if (task == Task::kIntent) return run_evaluate_intent(sub, f, data);
  if (task != Task::kNextItem) return run_evaluate_labels(sub, f, data, task);
  eval::EvalOptions o;
  if (!f.protocol.empty()) o.protocol = eval::parse_protocol(f.protocol);
  o.part = f.part;
  o.min_prefix = f.min_prefix;
  o.cutoffs.clear();
  for (const auto& c : split_list(f.cutoffs)) o.cutoffs.push_back(std::stoi(c));
  o.ties = eval::parse_tie_mode(f.ties);
  o.sampled = f.sampled;
  o.sampled_mode = f.sampled_mode;
  o.threads = f.threads;
  o.seed = f.seed;
  o.bootstrap = f.bootstrap;
  o.max_cases = f.max_cases;
  for (const auto& t : split_list(f.target_types)) {
    const auto type = parse_event_type(t);
    KAIROS_CHECK_USAGE(type.has_value(), "--target-types: unknown event type '{}' ({})", t,
                       "view, cart, fav, buy");
    o.target_types |= static_cast<uint8_t>(1u << static_cast<int>(*type));
  }
  const auto results = evaluate_next_item_models(data, entries(f, f.models, true), o);
  report(f, data,
         {{"task", "next-item"}, {"ranking", results.empty() ? "full" : results.front().ranking}},
         results);
}

}  // namespace

void add_evaluate_command(CLI::App& root) {
  auto f = std::make_shared<EvaluateFlags>();
  CLI::App* sub = root.add_subcommand(
      "evaluate", "Fit and evaluate models on a prepared dataset (full ranking by default)");
  sub->add_option("--data", f->data,
                  "Prepared dataset directory (return task: transaction files, comma-separated)")
      ->required();
  sub->add_option("--task", f->task,
                  "next-item (ranking) | category | next-action (calibrated distributions) | "
                  "intent (purchase probability) | return (customers buying again) | demand "
                  "(daily units per item) | audience (customers for a new product), all three from "
                  "transactions; docs/TASKS.md")
      ->check(CLI::IsMember(task_names()))
      ->capture_default_str();
  sub->add_option("--format", f->format,
                  "Return: format of the transaction files (cdnow, cdnow-elog, online-retail, or "
                  "an event format whose buy events of known users are the purchases)");
  sub->add_option("--cutoff", f->cutoff,
                  "Return: first day not seen (YYYY-MM-DD); features come from before it. "
                  "Audience: items first sold from this day are the new products");
  sub->add_option("--horizon-days", f->horizon_days,
                  "Return: days after the cut-off in which a purchase counts as a return; "
                  "demand: days forecast from each origin (1..7, default 7); audience: given, "
                  "campaign audiences (who buys a theme's items within N days) instead of new "
                  "products")
      ->check(CLI::Range(1, 3650));
  sub->add_option("--origins", f->origins,
                  "Demand: weekly rolling origins evaluated, ending with the data")
      ->check(CLI::Range(1, 52))
      ->capture_default_str();
  sub->add_option("--level", f->level,
                  "demand: item (a series per item) or category (per item category; formats "
                  "with categories: completejourney, taobao)")
      ->check(CLI::IsMember({"item", "category"}))
      ->capture_default_str();
  sub->add_option("--min-days", f->min_days,
                  "Demand: forecast items sold on at least this many days before the origins")
      ->capture_default_str();
  sub->add_option("--min-buyers", f->min_buyers,
                  "Audience: evaluate new items with at least this many known buyers")
      ->capture_default_str();
  sub->add_option("--within", f->within, "Intent: N of the purchase-within-N-events target")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  sub->add_option("--max-train-cases", f->max_train_cases,
                  "Intent: at most N training prefixes, evenly spread (0 = all)")
      ->capture_default_str();
  sub->add_flag("!--no-calibration", f->calibrate,
                "Label tasks: skip the validation temperature (report raw probabilities)");
  sub->add_option(
         "--models", f->models,
         "Comma-separated model names, config labels or trained artifact directories (label "
         "tasks: popularity, markov, session-decay; intent: logistic, gbdt; return: bgnbd, "
         "pareto-nbd, recency, rfm, logistic, gbdt, gru; demand: seasonal-naive, moving-average, "
         "ets, gbdt, lstm; audience: active, token-affinity, cold-start)")
      ->capture_default_str();
  sub->add_option("--model-config", f->model_config,
                  "YAML/JSON map: model name -> hyperparameters (e.g. configs/diginetica.yaml)");
  sub->add_option("--json", f->json_path, "Write results as JSON here (and CSV beside it)");
  sub->add_option("--csv", f->csv_path, "Write results as CSV here");
  sub->add_option("--protocol", f->protocol,
                  "next-item | last-item | rest-of-session | leave-one-out (default: by split)");
  sub->add_option("--part", f->part, "test (models fit on train+valid) or valid (fit on train)")
      ->capture_default_str();
  sub->add_option("--min-prefix", f->min_prefix, "Shortest input prefix (next-item)")
      ->capture_default_str();
  sub->add_option("--calibration", f->calibration,
                  "Label tasks: temperature, or top-label (temperature, then a top-label "
                  "isotonic map; both fitted on valid)")
      ->capture_default_str()
      ->check(CLI::IsMember({"temperature", "top-label"}));
  sub->add_option("--target-types", f->target_types,
                  "Next-item: only cases whose next event is of these types (e.g. cart,buy)");
  sub->add_option("--cutoffs", f->cutoffs,
                  "Metric cut-offs K (category: 1,3,5,10; next-action: 1,2)")
      ->capture_default_str();
  sub->add_option("--ties", f->ties, "conservative | standard | median")->capture_default_str();
  sub->add_option("--sampled", f->sampled,
                  "Rank among N sampled negatives instead of the full catalogue (labelled)")
      ->capture_default_str();
  sub->add_option("--sampled-mode", f->sampled_mode, "uniform | popularity")->capture_default_str();
  sub->add_option("--threads", f->threads, "Evaluation threads")->capture_default_str();
  sub->add_option("--seed", f->seed, "Seed (sampling, bootstrap)")->capture_default_str();
  sub->add_option("--bootstrap", f->bootstrap, "Bootstrap resamples for 95% CIs (0 = off)")
      ->capture_default_str();
  sub->add_option("--max-cases", f->max_cases, "Evaluate at most N cases, evenly spread (0 = all)")
      ->capture_default_str();
  sub->callback([sub, f] { run_evaluate(sub, *f); });
}

}  // namespace kairos::cli
