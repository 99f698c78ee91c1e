// New-product audiences end to end on a simulated shop: customers favour one of a few product
// lines named in the descriptions; the token-affinity model finds the buyers of a new item of a
// line, the activity list does not beat chance by much.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "eval/audience_evaluator.h"
#include "eval/simulated_product_lines.h"

namespace kairos {
namespace {

TEST(AudienceEvaluator, TokenAffinityFindsTheBuyersOfANewProduct) {
  const Transactions t = test::product_lines(3);
  eval::AudienceEvalOptions o;
  o.cutoff_day = 100;
  o.bootstrap = 100;
  const eval::AudienceEvaluation e =
      eval::evaluate_audiences(t, {{"active", "active"}, {"token-affinity", "token-affinity"}}, o);
  EXPECT_EQ(e.cases, 10u);
  EXPECT_EQ(e.new_items, 10u);
  ASSERT_EQ(e.results.size(), 2u);
  const auto& active = e.results[0].metrics;
  const auto& tokens = e.results[1].metrics;
  EXPECT_GT(tokens.at("lift@10%"), 2.5);
  EXPECT_LT(active.at("lift@10%"), 1.8);
  EXPECT_GT(tokens.at("Recall@100"), active.at("Recall@100") + 0.2);
  EXPECT_GT(tokens.at("NDCG@10"), active.at("NDCG@10"));
  const nlohmann::json j = eval::to_json(e);
  EXPECT_EQ(j["task"], "audience");
}

TEST(AudienceEvaluator, CampaignThemesRankTheirFansFirst) {
  const Transactions t = test::product_lines(3);
  eval::AudienceEvalOptions o;
  o.cutoff_day = 100;
  o.campaign_horizon_days = 30;
  o.themes = 10;
  o.min_theme_items = 10;
  o.bootstrap = 0;
  const eval::AudienceEvaluation e =
      eval::evaluate_audiences(t, {{"active", "active"}, {"token-affinity", "token-affinity"}}, o);
  // The five product-line words are themes (each on 10 old items) and VINTAGE (on all 50); only
  // the line words are bought after the cut-off (on the new items).
  EXPECT_EQ(e.new_items, 6u);
  EXPECT_EQ(e.cases, 5u);
  EXPECT_GT(e.results[1].metrics.at("lift@10%"), e.results[0].metrics.at("lift@10%"));
  EXPECT_EQ(eval::to_json(e)["cases_are"], "campaign themes");
}

}  // namespace
}  // namespace kairos
