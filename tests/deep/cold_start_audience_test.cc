// The cold-start audience model: embeddings learned from purchases, mapped from description tokens,
// find the fans of a new item's product line.
#include <gtest/gtest.h>

#include "eval/audience_evaluator.h"
#include "eval/simulated_product_lines.h"
#include "models/factory.h"

namespace kairos {
namespace {

TEST(ColdStartAudience, MapsAttributesToTheLearnedEmbeddings) {
  const Transactions t = test::product_lines(3);
  eval::AudienceEvalOptions o;
  o.cutoff_day = 100;
  o.bootstrap = 0;
  const eval::AudienceEvaluation e = eval::evaluate_audiences(
      t, {{"active", "active"}, {"cold-start", "cold-start", {{"epochs", 20}}}}, o,
      [](const std::string& n, const nlohmann::json& h) { return make_any_audience_model(n, h); });
  const auto& active = e.results[0].metrics;
  const auto& cold = e.results[1].metrics;
  EXPECT_GT(cold.at("lift@10%"), 2.0);
  EXPECT_GT(cold.at("Recall@100"), active.at("Recall@100") + 0.15);
}

}  // namespace
}  // namespace kairos
