// Evaluation of the label tasks (category, next-action; tasks/task.h): a LabelModel's predicted
// distribution after every prefix of the evaluated sessions, against
//   next   the class of the next event: HR@K and MRR@K over the classes (conservative ties: the
//          true class ranks below every class of equal probability), log-loss, Brier, top-label
//          ECE (15 bins) with its reliability table;
//   rest   the classes of the rest of the session: Recall@K of its distinct classes in the top K,
//          and the cross-entropy against its class frequencies (rest-CE).
// Cases are the next-item protocol's (every prefix of length >= min_prefix); a case whose next
// event has no target class (an item of unknown category) is skipped and counted. The model sees
// the prefix only. Probabilities are calibrated by one temperature (softmax(log p / T)) fitted on
// the validation part by a model fitted on train (calibrate_temperature), then applied to the
// model refitted on train + valid.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "eval/classification/calibration.h"
#include "eval/evaluator.h"
#include "models/labels/label_model.h"

namespace kairos::eval {

struct LabelEvalOptions {
  std::string part = "test";  // "test" or "valid"
  uint32_t min_prefix = 1;
  std::vector<int> cutoffs = {1, 3, 5, 10};
  int threads = 2;
  uint64_t seed = 42;
  uint32_t bootstrap = 1000;  // resamples for the 95% intervals of HR@K (largest K) and log-loss
  uint64_t max_cases = 0;     // 0 = all, else evenly spread
  double temperature = 1.0;   // applied to every prediction
  // Applied after the temperature when set (eval/classification/calibration.h).
  const TopLabelCalibrator* top_label = nullptr;
  bool progress = true;
};

struct LabelEvalResult {
  std::string model, task, part;
  uint64_t cases = 0;
  uint64_t skipped_unknown = 0;  // prefixes whose next event has no target class
  std::vector<int> cutoffs;
  std::map<std::string, double>
      metrics;  // "HR@1", "MRR@5", "log-loss", "ECE", "rest-Recall@5", ...
  std::map<std::string, Interval> intervals;
  ReliabilityTable reliability;  // top-label, after calibration
  double temperature = 1.0;
  std::string calibration = "temperature";  // or "temperature + top-label isotonic", "none"
  double fit_seconds = 0, eval_seconds = 0, cases_per_second = 0;
  int threads = 1;
  // Per case, in the cases' order (label_cases: the same for every model): the log-loss, the hit
  // at the smallest cut-off, and the session — for paired comparisons (label_report.h); not in
  // the JSON.
  std::vector<double> case_log_loss, case_hit;
  std::vector<uint32_t> case_session;
};

LabelEvalResult evaluate_labels(const LabelModel& model, const EventLabels& labels,
                                const Dataset& data, const LabelEvalOptions& options);

// The temperature that minimises the log-loss of `model` (fitted on data.train()) on at most
// `max_cases` validation cases (evenly spread). 1.0 when the dataset has no validation part.
double calibrate_temperature(const LabelModel& model, const EventLabels& labels,
                             const Dataset& data, uint32_t min_prefix, uint64_t max_cases = 5000);

// Top-label calibration of `model` (fitted on data.train()) after `temperature`, fitted on at most
// `max_cases` validation cases (evenly spread). Unfitted when the dataset has no validation part.
TopLabelCalibrator fit_top_label(const LabelModel& model, const EventLabels& labels,
                                 const Dataset& data, uint32_t min_prefix, double temperature,
                                 uint64_t max_cases = 20000);

// The cases of `sessions` (next-item protocol) whose next event has a target class.
std::vector<Case> label_cases(const SessionSet& sessions, const EventLabels& labels,
                              uint32_t min_prefix, uint64_t max_cases, uint64_t* skipped);

// softmax(log p / T) in place (p^(1/T) renormalised); zero probabilities stay zero.
void apply_temperature(std::span<float> probs, double temperature);

}  // namespace kairos::eval
