// Evaluation of the new-product audience task (tasks/new_item_audience.h): every model ranks all
// known customers for each new item; the buyers among them are the truth.
// Metrics, averaged over the new items (each item one case): Recall@K and NDCG@K over customers
// (binary relevance), and lift at the top 1 / 5 / 10 % (the share of the item's buyers found in
// that top share of customers, divided by the share); 95 % bootstrap intervals over items. Ties
// are broken by a seeded shuffle, so a model that scores everyone alike gets chance-level lift.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "data/transactions.h"
#include "eval/evaluator.h"
#include "eval/return_evaluator.h"  // ModelSpec
#include "models/audience/audience_model.h"

namespace kairos::eval {

struct AudienceEvalOptions {
  int32_t cutoff_day = 0;
  uint32_t min_buyers = 5;
  // > 0: campaign audiences (tasks/new_item_audience.h: campaign_audiences) over this many days
  // after the cut-off for the `themes` most bought description words; 0: new products.
  int32_t campaign_horizon_days = 0;
  uint32_t themes = 30;
  uint32_t min_theme_items = 20;  // a theme word is on at least this many items sold before C
  std::vector<int> cutoffs{10, 100, 500};
  uint32_t bootstrap = 1000;
  uint64_t seed = 42;
};

struct AudienceEvalResult {
  std::string model;
  std::map<std::string, double> metrics;
  std::map<std::string, Interval> intervals;
  double fit_seconds = 0, score_seconds = 0;
};

struct AudienceEvaluation {
  int32_t cutoff_day = 0;
  uint64_t customers = 0, new_items = 0, cases = 0, too_few_buyers = 0;
  uint32_t min_buyers = 0;
  int32_t campaign_horizon_days = 0;  // > 0: the cases are campaign themes
  double mean_buyers = 0;
  std::vector<AudienceEvalResult> results;
};

// Builds a model from its name (make_audience_model, or the factory's make_any_audience_model,
// which adds the deep one).
using AudienceModelMaker =
    std::function<std::unique_ptr<AudienceModel>(const std::string&, const nlohmann::json&)>;

AudienceEvaluation evaluate_audiences(const Transactions& t, const std::vector<ModelSpec>& models,
                                      const AudienceEvalOptions& options,
                                      const AudienceModelMaker& make = {});

nlohmann::json to_json(const AudienceEvaluation& e);
std::string to_csv(const AudienceEvaluation& e);
std::string to_table(const AudienceEvaluation& e);

}  // namespace kairos::eval
