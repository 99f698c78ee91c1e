// Output of the label tasks' evaluation (eval/label_evaluator.h): JSON (with the reliability
// table), CSV, and the terminal table of several models side by side.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "eval/label_evaluator.h"
#include "eval/paired_bootstrap.h"

namespace kairos::eval {

nlohmann::json to_json(const LabelEvalResult& r);
std::string to_csv(const std::vector<LabelEvalResult>& results);
// Header: task, part, cases and skipped cases; rows: models with HR@K and MRR@K at every cut-off,
// rest-Recall@K at the largest, log-loss with its 95% interval, Brier, ECE, rest-CE, T, fit time.
std::string to_table(const std::vector<LabelEvalResult>& results);

// A model against the baseline (the first model evaluated) on the same cases: differences (model -
// baseline) of log-loss and of HR@k at the smallest cut-off k, with 95 % intervals from a paired
// bootstrap that resamples sessions (eval/paired_bootstrap.h).
struct LabelComparison {
  std::string model, baseline, task;
  int k = 1;
  PairedDifference log_loss, hit;
};
std::vector<LabelComparison> compare_labels(const std::vector<LabelEvalResult>& results,
                                            uint32_t resamples, uint64_t seed);
nlohmann::json to_json(const LabelComparison& c);
std::string to_table(const std::vector<LabelComparison>& comparisons);

}  // namespace kairos::eval
