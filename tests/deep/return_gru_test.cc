// The return task's GRU over purchase histories: it trains on the training window with early
// stopping on its validation customers and separates returning customers like the baselines do.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "eval/return_evaluator.h"
#include "eval/simulated_customers.h"
#include "models/factory.h"

namespace kairos {
namespace {

TEST(ReturnGru, LearnsWhoComesBack) {
  const Transactions t = test::simulated_customers(3000, 5);
  eval::ReturnEvalOptions o;
  o.cutoff_day = 400;
  o.horizon_days = 120;
  o.bootstrap = 0;
  const auto make = [](const std::string& n, const nlohmann::json& h, int threads, uint64_t seed) {
    return make_any_return_model(n, h, threads, seed);
  };
  const eval::ReturnEvaluation e =
      eval::evaluate_return(t, {{"gru", "gru", {{"epochs", 12}}}, {"rfm", "rfm"}}, o, make);
  const auto& gru = e.results[0];
  ASSERT_TRUE(gru.evaluated) << gru.skipped;
  EXPECT_GT(gru.metrics.at("ROC-AUC"), 0.65);
  EXPECT_LT(gru.metrics.at("log-loss"), std::log(2.0));
  // Not worse than the RFM cells by more than noise.
  EXPECT_GT(gru.metrics.at("ROC-AUC"), e.results[1].metrics.at("ROC-AUC") - 0.03);
  const auto& training = gru.details.at("training");
  EXPECT_GE(training.at("best_epoch").get<int>(), 1);  // validated: a best epoch was kept
  EXPECT_EQ(training.at("valid_metric"), "log-loss");
}

TEST(ReturnGru, UnknownHyperparameterIsAUsageError) {
  EXPECT_THROW(make_any_return_model("gru", {{"hiden", 8}}), Error);
}

}  // namespace
}  // namespace kairos
