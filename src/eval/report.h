// Evaluation output: JSON, CSV and the terminal table (several models side by side).
// Sampled results carry their label into every one of them.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "eval/evaluator.h"

namespace kairos::eval {

nlohmann::json to_json(const EvalResult& r);
// One header line and one row per result; columns are the union of the results' metrics.
std::string to_csv(const std::vector<EvalResult>& results);
// Models as rows; HR/MRR/NDCG at every cut-off (plus Coverage/Popularity at the largest), fit time
// and latency. The header states protocol, ranking (full or sampled) and tie mode.
std::string to_table(const std::vector<EvalResult>& results);

}  // namespace kairos::eval
