// Pop, S-POP, Markov, sequential rules and item-kNN on tiny datasets with hand-computed scores.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "models/fixtures.h"

namespace kairos {
namespace {

using testing::fitted;
using testing::make_dataset;
using testing::scores_of;

TEST(Pop, ScoresTrainingEventCountsOverTheMaximum) {
  const Dataset d = make_dataset({{1, 2}, {2, 3}, {2}}, 4);
  const auto s = scores_of(*fitted("pop", d), d, {3});
  EXPECT_TRUE(std::isinf(s[0]) && s[0] < 0);
  EXPECT_FLOAT_EQ(s[1], 1.0f / 3);
  EXPECT_FLOAT_EQ(s[2], 1.0f);
  EXPECT_FLOAT_EQ(s[3], 1.0f / 3);
}

TEST(SessionPop, CountsTheSessionFirstAndBreaksTiesByPopularity) {
  const Dataset d = make_dataset({{3, 3, 3, 3}, {2}, {1, 4}, {4}}, 5);
  const auto s = scores_of(*fitted("spop", d), d, {2, 2, 1, 4});
  EXPECT_FLOAT_EQ(s[2], 2.0f + 0.5f * 0.25f);  // twice in the session, 1 of 4 training events
  EXPECT_GT(s[2], s[4]);
  EXPECT_GT(s[4], s[1]);  // once each: the more popular first
  EXPECT_GT(s[1], s[3]);  // once in the session beats the most popular training item
  EXPECT_FLOAT_EQ(s[3], 0.5f);
}

TEST(Markov, ScoresOnlyTheLastItemsSuccessorCounts) {
  const Dataset d = make_dataset({{1, 2}, {1, 2}, {1, 3}, {2, 1}, {4, 4}}, 6);
  const auto m = fitted("markov", d);
  const auto s = scores_of(*m, d, {4, 1});
  EXPECT_TRUE(std::isinf(s[0]) && s[0] < 0);
  EXPECT_FLOAT_EQ(s[2], 2.0f);
  EXPECT_FLOAT_EQ(s[3], 1.0f);
  EXPECT_FLOAT_EQ(s[1], 0.0f);  // no popularity fill: non-successors tie at 0
  EXPECT_FLOAT_EQ(s[5], 0.0f);
  EXPECT_FLOAT_EQ(scores_of(*m, d, {4})[4], 1.0f);  // self-transitions count
  EXPECT_FLOAT_EQ(scores_of(*m, d, {5})[1], 0.0f);  // no successors at all
}

TEST(Markov, PruningKeepsTheMostFrequentAndOnTiesTheFirstSeen) {
  const Dataset d = make_dataset({{1, 3}, {1, 2}, {1, 4}, {1, 4}}, 5);
  const auto s = scores_of(*fitted("markov", d, {{"pruning", 2}}), d, {1});
  EXPECT_FLOAT_EQ(s[4], 2.0f);
  EXPECT_FLOAT_EQ(s[3], 1.0f);  // seen before 2, which has the same count
  EXPECT_FLOAT_EQ(s[2], 0.0f);
}

TEST(Markov, PopTiebreakOrdersEqualCountsAndTheRestByPopularity) {
  const Dataset d = make_dataset({{1, 2}, {1, 3}, {3, 4}, {4}, {4}}, 6);
  const auto s = scores_of(*fitted("markov", d, {{"pop_tiebreak", true}}), d, {1});
  EXPECT_GT(s[3], s[2]);  // both once after 1; 3 is more popular
  EXPECT_GT(s[2], s[4]);  // a successor beats the most popular non-successor
  EXPECT_GT(s[4], s[5]);  // non-successors by popularity
  EXPECT_LT(s[4], 1.0f);
}

TEST(SequentialRules, WeighFollowersByOneOverDistance) {
  const Dataset d = make_dataset({{1, 2, 3}, {1, 3}}, 4);
  const auto m = fitted("sr", d, {{"backfill", false}});
  const auto s = scores_of(*m, d, {1});
  EXPECT_FLOAT_EQ(s[2], 1.0f);         // distance 1
  EXPECT_FLOAT_EQ(s[3], 0.5f + 1.0f);  // distance 2, then distance 1
  EXPECT_FLOAT_EQ(scores_of(*m, d, {3})[1], 0.0f);
  const auto one = fitted("sr", d, {{"steps", 1}, {"backfill", false}});
  EXPECT_FLOAT_EQ(scores_of(*one, d, {1})[3], 1.0f);
}

TEST(SequentialRules, BackfillStaysBelowNegativeRuleWeights) {
  // Linear weights 1 - 0.1 d turn negative beyond 10 steps; back-fill must stay below them.
  std::vector<uint32_t> chain;
  for (uint32_t i = 1; i <= 13; ++i) chain.push_back(i);
  const Dataset d = make_dataset({chain, {14, 14, 14}}, 15);
  const auto m = fitted("sr", d, {{"steps", 12}, {"weighting", "linear"}, {"pruning", 0}});
  const auto s = scores_of(*m, d, {1});
  EXPECT_NEAR(s[2], 0.9f, 1e-6);
  EXPECT_NEAR(s[12], -0.1f, 1e-6);
  EXPECT_NEAR(s[13], -0.2f, 1e-6);
  for (uint32_t i = 2; i < 13; ++i) EXPECT_GT(s[i], s[i + 1]);
  EXPECT_LT(s[14], s[13]);  // the most popular item, but no rule from 1
  EXPECT_LT(s[1], s[14]);   // back-fill among itself by popularity
}

TEST(ItemKnn, MatchesSessionRecsFormula) {
  // supp (events): 1 -> 3, 2 -> 3, 3 -> 1; cooc(1,2) = 1*1 + 1*2 = 3, cooc(1,3) = 1.
  const Dataset d = make_dataset({{1, 2}, {1, 2, 2}, {1, 3}}, 4);
  const auto s = scores_of(*fitted("iknn", d, {{"backfill", false}}), d, {3, 1});
  EXPECT_NEAR(s[2], 3.0 / 23.0, 1e-6);  // lmbd = 20, alpha = 0.5
  EXPECT_NEAR(s[3], 1.0 / std::sqrt(23.0 * 21.0), 1e-6);
  EXPECT_FLOAT_EQ(s[1], 0.0f);  // never its own neighbour
  const auto c = scores_of(*fitted("iknn", d, {{"lmbd", 0}, {"n_sims", 1}}), d, {1});
  EXPECT_NEAR(c[2], 1.0, 1e-6);  // 3 / (sqrt(3) sqrt(3)); item 3 pruned by n_sims = 1
  EXPECT_LT(c[3], 0.0f);         // back-filled
}

TEST(RuleModels, UnknownOrEmptyQueriesGetOnlyTheFill) {
  const Dataset d = make_dataset({{1, 2}, {2, 3}}, 4);
  for (const char* name : {"markov", "sr", "iknn"}) {
    const auto m = fitted(name, d);
    for (const std::vector<uint32_t>& q : {std::vector<uint32_t>{}, std::vector<uint32_t>{0}}) {
      const auto s = scores_of(*m, d, q);
      EXPECT_TRUE(std::isinf(s[0])) << name;
      for (size_t i = 1; i < s.size(); ++i) EXPECT_LE(s[i], 0.0f) << name;
    }
  }
}

}  // namespace
}  // namespace kairos
