// The return task end to end on a simulated shop whose customers follow the BG/NBD story in days:
// every model is scored, the supervised ones learn from the window one horizon back, and the
// models separate returning customers from the rest.
#include <gtest/gtest.h>

#include <cmath>

#include "eval/return_evaluator.h"
#include "eval/simulated_customers.h"

namespace kairos {
namespace {

TEST(ReturnEvaluator, ScoresEveryModelWithoutLookingPastTheCutoff) {
  const Transactions t = test::simulated_customers(3000, 5);
  eval::ReturnEvalOptions o;
  o.cutoff_day = 400;
  o.horizon_days = 120;
  o.bootstrap = 50;
  std::vector<eval::ReturnModelSpec> models;
  for (const char* m : {"bgnbd", "recency", "rfm", "logistic", "gbdt"}) models.push_back({m, m});
  const eval::ReturnEvaluation e = eval::evaluate_return(t, models, o);
  ASSERT_EQ(e.results.size(), 5u);
  EXPECT_GT(e.customers, 2500u);
  EXPECT_GT(e.return_rate, 0.1);
  EXPECT_LT(e.return_rate, 0.9);
  for (const auto& r : e.results) {
    ASSERT_TRUE(r.evaluated) << r.model << ": " << r.skipped;
    EXPECT_GT(r.metrics.at("ROC-AUC"), 0.65) << r.model;
    EXPECT_LT(r.metrics.at("log-loss"), std::log(2.0)) << r.model;  // better than a coin
    EXPECT_EQ(r.by_frequency.size(), 8u);
    EXPECT_GE(r.intervals.at("ROC-AUC").high, r.metrics.at("ROC-AUC") - 1e-9);
  }
  // BG/NBD draws the tracking curve; its total over the horizon is near the actual one.
  const auto& bg = e.results[0];
  ASSERT_EQ(bg.tracking_expected.size(), e.tracking_actual.size());
  EXPECT_NEAR(bg.metrics.at("count total") / e.total_actual, 1.0, 0.25);
  const nlohmann::json j = eval::to_json(e);
  EXPECT_EQ(j["results"][0]["details"]["time_unit"], "week");
  EXPECT_EQ(j["cutoff"], "1971-02-05");
}

TEST(ReturnEvaluator, SupervisedModelsNeedATrainingWindow) {
  const Transactions t = test::simulated_customers(500, 9);
  eval::ReturnEvalOptions o;
  o.cutoff_day = 100;
  o.horizon_days = 400;  // the training window would end before anyone bought
  o.bootstrap = 0;
  const eval::ReturnEvaluation e =
      eval::evaluate_return(t, {{"bgnbd", "bgnbd"}, {"gbdt", "gbdt"}}, o);
  EXPECT_TRUE(e.results[0].evaluated);
  EXPECT_FALSE(e.results[1].evaluated);
  EXPECT_NE(e.results[1].skipped.find("training window"), std::string::npos);
}

}  // namespace
}  // namespace kairos
