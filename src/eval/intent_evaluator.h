// Evaluation of the purchase-intent task (docs/TASKS.md): after every prefix of every session,
// P(a purchase is still to come in the session) — target `converts` — and P(a purchase within the
// next N events) — target `within-N`. A classifier (models/intent/) is fitted on the training
// sessions' prefixes, stops early on the validation prefixes, is calibrated there (isotonic
// regression) and gets its decision threshold there (best F1); the test prefixes are scored once.
// Metrics on test: ROC-AUC, PR-AUC (average precision), log-loss, Brier, ECE (15 bins) — after
// calibration, with log-loss and ECE before it too — precision / recall / F1 at the validation
// threshold, 95 % bootstrap intervals, and the same per prefix length.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include <functional>
#include <memory>

#include "data/dataset.h"
#include "eval/classification/binary_curves.h"
#include "eval/classification/calibration.h"
#include "eval/evaluator.h"
#include "eval/paired_bootstrap.h"
#include "models/intent/sequence_intent.h"

namespace kairos::eval {

struct IntentEvalOptions {
  uint32_t within = 5;  // N of the within-N target
  uint32_t min_prefix = 1;
  uint64_t max_train_cases = 0;  // cap on training prefixes, evenly spread (0 = all)
  int threads = 2;
  uint64_t seed = 42;
  uint32_t bootstrap = 1000;  // log-loss and Brier; ROC-AUC takes bootstrap / 5 resamples
  bool progress = true;
};

struct IntentBucket {
  std::string lengths;  // "1", "2", "3", "4-5", "6-10", "11+"
  uint64_t cases = 0;
  double positive_rate = 0, roc_auc = 0, log_loss = 0;
};

struct IntentEvalResult {
  std::string model, target;
  uint64_t train_cases = 0, cases = 0;
  double positive_rate = 0;
  std::map<std::string, double> metrics;  // ROC-AUC, PR-AUC, log-loss, Brier, ECE, ..., F1
  std::map<std::string, Interval> intervals;
  std::vector<IntentBucket> by_length;
  ReliabilityTable reliability;   // calibrated test probabilities against the outcomes
  std::vector<CurvePoint> curve;  // ROC and precision-recall points (plots)
  int rounds = 0;
  double fit_seconds = 0, eval_seconds = 0;
  // The calibrated test probabilities, their log-losses, outcomes and test sessions of the cases,
  // in the cases' order (intent_cases: the same for every model), for the paired comparisons below;
  // not in the JSON.
  std::vector<double> test_probability, test_log_loss;
  std::vector<int> test_label;
  std::vector<uint32_t> test_session;
};

// A model against the baseline (the first model evaluated) on the same target and test cases:
// differences of ROC-AUC and log-loss (model - baseline) with 95 % intervals from a paired
// bootstrap that resamples test sessions (eval/paired_bootstrap.h).
struct IntentComparison {
  std::string model, baseline, target;
  PairedDifference roc_auc, log_loss;
};

// Fits `model` (make_intent_classifier names) for both targets and evaluates them on the test part.
std::vector<IntentEvalResult> evaluate_intent(const std::string& model,
                                              const nlohmann::json& hparams, const Dataset& data,
                                              const IntentEvalOptions& options);

// The same for a sequence model (models/intent/sequence_intent.h): `make` builds a fresh model per
// target; it reads the sessions' events, fits on train and early-stops on valid; calibration,
// threshold and metrics as above.
std::vector<IntentEvalResult> evaluate_intent_sequence(
    const std::string& label, const std::function<std::unique_ptr<SequenceIntentModel>()>& make,
    const Dataset& data, const IntentEvalOptions& options);

// A model already fitted for `target`: calibrated on validation (the fitted curve goes to `fitted`
// when given), scored on test. fit_seconds and train_cases are left to the caller.
IntentEvalResult evaluate_fitted_intent(const std::string& label, const SequenceIntentModel& model,
                                        IntentTarget target, const Dataset& data,
                                        const IntentEvalOptions& options,
                                        IsotonicCalibrator* fitted = nullptr);

// Every model after the first against the first, per target; none without test cases kept.
std::vector<IntentComparison> compare_intent(const std::vector<IntentEvalResult>& results,
                                             uint32_t resamples, uint64_t seed);

nlohmann::json to_json(const IntentEvalResult& r);
nlohmann::json to_json(const IntentComparison& c);
std::string to_table(const std::vector<IntentComparison>& comparisons);
std::string to_csv(const std::vector<IntentEvalResult>& results);
std::string to_table(const std::vector<IntentEvalResult>& results);

}  // namespace kairos::eval
