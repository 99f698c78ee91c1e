// Evaluation of the return / churn task (docs/TASKS.md "Return"): at a cut-off day C with a
// horizon of H days, every customer who bought before C gets P(a purchase in [C, C + H)) and the
// expected number of purchase occasions there, from each model (models/customers/).
//
// Protocol: unsupervised models (BG/NBD) fit on the histories before C; supervised ones learn
// from the training window — features at C - H, labels in [C - H, C) — with a share of its
// customers held out for early stopping. No model sees anything on or after C. Probabilities are
// reported as the models give them (no post-hoc calibration: BG/NBD's are model-based and the
// window shift between C - H and C is part of what is measured).
// Metrics: ROC-AUC (bootstrap CI), PR-AUC, log-loss and Brier (bootstrap CIs), ECE and the
// reliability table; for counts MAE, RMSE, the total forecast against the total actual, and the
// mean actual vs predicted count per number of repeat purchases before C (0 .. 7+, the BTYD
// "conditional expectations" plot). Models that have one also give the weekly cumulative
// repeat-purchase tracking curve from the first purchase day to C + H, beside the actual one.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "data/transactions.h"
#include "eval/classification/calibration.h"
#include "eval/evaluator.h"
#include "models/customers/return_model.h"

namespace kairos::eval {

struct ReturnEvalOptions {
  int32_t cutoff_day = 0;  // days since 1970-01-01: the first day not seen
  int32_t horizon_days = 0;
  double valid_fraction = 0.2;  // of the training window's customers
  int threads = 2;
  uint64_t seed = 42;
  uint32_t bootstrap = 1000;
};

// A model to evaluate: its label in the tables, its factory name and hyperparameters.
struct ModelSpec {
  std::string label, model;
  nlohmann::json hparams = nlohmann::json::object();
};
using ReturnModelSpec = ModelSpec;

struct FrequencyBin {
  std::string repeat;  // "0", "1", ..., "7+"
  uint64_t customers = 0;
  double actual = 0, predicted = 0;  // mean occasions in the horizon
};

struct ReturnEvalResult {
  std::string model;
  bool evaluated = false;
  std::string skipped;  // why not (e.g. no training window before the cut-off)
  uint64_t customers = 0, train_customers = 0;
  double return_rate = 0;
  std::map<std::string, double> metrics;
  std::map<std::string, Interval> intervals;
  ReliabilityTable reliability;
  std::vector<FrequencyBin> by_frequency;
  std::vector<double> tracking_expected;  // weekly cumulative repeat occasions, if the model has it
  nlohmann::json details;
  double fit_seconds = 0, predict_seconds = 0;
};

struct ReturnEvaluation {
  int32_t cutoff_day = 0, horizon_days = 0;
  uint64_t customers = 0, train_customers = 0;
  double return_rate = 0, total_actual = 0;
  int32_t tracking_start_day = 0;
  std::vector<double> tracking_actual;  // weekly cumulative repeat occasions, actual
  std::vector<ReturnEvalResult> results;
};

// Builds a model from its name (make_return_model, or the factory's make_any_return_model,
// which adds the deep ones).
using ReturnModelMaker = std::function<std::unique_ptr<ReturnModel>(
    const std::string& name, const nlohmann::json& hparams, int threads, uint64_t seed)>;

ReturnEvaluation evaluate_return(const Transactions& t, const std::vector<ReturnModelSpec>& models,
                                 const ReturnEvalOptions& options,
                                 const ReturnModelMaker& make = {});

nlohmann::json to_json(const ReturnEvaluation& e);
std::string to_csv(const ReturnEvaluation& e);
std::string to_table(const ReturnEvaluation& e);

// "YYYY-MM-DD" -> days since 1970-01-01; throws kUsage naming `what` otherwise.
int32_t parse_day(const std::string& text, const char* what);
std::string format_day(int32_t day);

}  // namespace kairos::eval
