// Output of the label tasks' evaluation (eval/label_evaluator.h): JSON (with the reliability
// table), CSV, and the terminal table of several models side by side.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "eval/label_evaluator.h"

namespace kairos::eval {

nlohmann::json to_json(const LabelEvalResult& r);
std::string to_csv(const std::vector<LabelEvalResult>& results);
// Header: task, part, cases and skipped cases; rows: models with HR@K and MRR@K at every cut-off,
// rest-Recall@K at the largest, log-loss with its 95% interval, Brier, ECE, rest-CE, T, fit time.
std::string to_table(const std::vector<LabelEvalResult>& results);

}  // namespace kairos::eval
