// SKNN, V-SKNN, STAN and V-STAN on tiny datasets with hand-computed scores.
#include <gtest/gtest.h>

#include <cmath>

#include "models/fixtures.h"

namespace kairos {
namespace {

using testing::fitted;
using testing::kDayMs;
using testing::make_dataset;
using testing::scores_of;
using testing::Session;

TEST(Sknn, SumsTheCosineOfNeighboursContainingAnItem) {
  // Query {1}: neighbours {1,2} (cos 1/sqrt(2)) and {1,3,4} (cos 1/sqrt(3)).
  const Dataset d = make_dataset({{1, 2}, {1, 3, 4}, {5, 6}}, 7);
  const auto s = scores_of(*fitted("sknn", d, {{"backfill", false}}), d, {1});
  EXPECT_NEAR(s[2], 1 / std::sqrt(2.0), 1e-6);
  EXPECT_NEAR(s[3], 1 / std::sqrt(3.0), 1e-6);
  EXPECT_NEAR(s[4], 1 / std::sqrt(3.0), 1e-6);
  EXPECT_NEAR(s[1], 1 / std::sqrt(2.0) + 1 / std::sqrt(3.0), 1e-6);  // session items score too
  EXPECT_FLOAT_EQ(s[5], 0.0f);
  // k = 1: only the most similar neighbour.
  const auto one = scores_of(*fitted("sknn", d, {{"k", 1}, {"backfill", false}}), d, {1});
  EXPECT_NEAR(one[2], 1 / std::sqrt(2.0), 1e-6);
  EXPECT_FLOAT_EQ(one[3], 0.0f);
  // Jaccard: |A n B| / |A u B|.
  const auto jac = scores_of(*fitted("sknn", d, {{"similarity", "jaccard"}}), d, {1, 2});
  EXPECT_NEAR(jac[3], 1.0 / 4.0, 1e-6);
}

TEST(Sknn, ExplainsAnItemByTheNeighbourSessionsHoldingIt) {
  // Query {1, 5}: neighbours {1,2} and {1,3,4} hold item 1, {5,6} holds 5; item 2 is only in
  // {1,2}, so event 0 (item 1) gets that neighbour's similarity and event 1 (item 5) nothing.
  const Dataset d = make_dataset({{1, 2}, {1, 3, 4}, {5, 6}}, 7);
  const auto m = fitted("sknn", d, {{"backfill", false}});
  auto state = m->start();
  m->observe(*state, 1, 0, 0);
  m->observe(*state, 5, 0, 1000);
  const auto why = m->explain(*state, 2, d.num_items(), 10);
  ASSERT_EQ(why.size(), 2u);
  EXPECT_EQ(why[0].position, 0u);
  EXPECT_EQ(why[0].item, 1u);
  EXPECT_NEAR(why[0].weight, 1 / std::sqrt(2.0) / std::sqrt(2.0), 1e-6);  // cos({1,5},{1,2})
  EXPECT_NE(why[0].reason.find("1 of the 1 neighbour sessions"), std::string::npos)
      << why[0].reason;
  EXPECT_EQ(why[1].item, 5u);
  EXPECT_FLOAT_EQ(why[1].weight, 0.0f);
}

TEST(Sknn, BackfillRanksTheRestByPopularityBelowEveryCandidate) {
  const Dataset d = make_dataset({{1, 2}, {1, 3, 4}, {5, 6}, {6}}, 7);
  const auto with = scores_of(*fitted("sknn", d), d, {1});
  const auto without = scores_of(*fitted("sknn", d, {{"backfill", false}}), d, {1});
  for (uint32_t c : {1, 2, 3, 4}) {
    EXPECT_FLOAT_EQ(with[c], without[c]);  // candidates keep their scores
    EXPECT_GT(with[c], with[5]);
    EXPECT_GT(with[c], with[6]);
  }
  EXPECT_GT(with[6], with[5]);  // 6 is more popular
}

TEST(Sknn, NeighbourTiesGoToTheMoreRecentSession) {
  const Dataset d = make_dataset({{1, 2}, {1, 3}}, 4);
  const auto s = scores_of(*fitted("sknn", d, {{"k", 1}, {"backfill", false}}), d, {1});
  EXPECT_FLOAT_EQ(s[2], 0.0f);
  EXPECT_GT(s[3], 0.0f);
}

TEST(Sknn, SamplingKeepsTheMostRecentSessionsByTime) {
  // In file order {1,2} comes first, but it ends later than {1,3}.
  const Dataset d = make_dataset({Session{{1, 2}, 10 * kDayMs}, Session{{1, 3}, 1 * kDayMs}}, 4);
  const auto s = scores_of(*fitted("sknn", d, {{"sample_size", 1}, {"backfill", false}}), d, {1});
  EXPECT_GT(s[2], 0.0f);
  EXPECT_FLOAT_EQ(s[3], 0.0f);
}

TEST(Vsknn, WeighsQueryPositionsAndTheStepOfTheSharedItem) {
  // Query {1, 3}, weighting div: w(1) = 1/2, w(3) = 1; sim = overlap / 2.
  // {1,2}: sim 0.25, shares the query's step-2 item -> x 1/2.  {3,1,4}: sim 0.75, step 1.
  const Dataset d = make_dataset({{1, 2}, {3, 1, 4}}, 5);
  const auto s = scores_of(*fitted("vsknn", d, {{"backfill", false}}), d, {1, 3});
  EXPECT_NEAR(s[2], 0.125, 1e-6);
  EXPECT_NEAR(s[1], 0.875, 1e-6);
  EXPECT_NEAR(s[3], 0.75, 1e-6);
  EXPECT_NEAR(s[4], 0.75, 1e-6);
  // idf weighting: score * (1 + idf * 1), idf = log(2 sessions / events) = 0 for item 1.
  const auto i = scores_of(*fitted("vsknn", d, {{"idf_weighting", 1}}), d, {1, 3});
  EXPECT_NEAR(i[2], 0.125 * (1 + std::log(2.0)), 1e-6);
  EXPECT_NEAR(i[4], 0.75 * (1 + std::log(2.0)), 1e-6);
  EXPECT_NEAR(i[1], 0.875, 1e-6);
}

// Neighbour {5,1,6} ends one day before the query's last event; {7,8} shares nothing.
// Query {1, 2} with lambda_spw = 1: w(1) = e^-1, w(2) = 1.
Dataset stan_data() {
  return make_dataset({Session{{5, 1, 6}, 0}, Session{{7, 8}, kDayMs / 2}}, 9);
}
const std::vector<int64_t> kQueryTimes = {2000 + kDayMs - 1000, 2000 + kDayMs};
const nlohmann::json kStan = {
    {"lambda_spw", 1}, {"lambda_snh", 2}, {"lambda_inh", 1}, {"backfill", false}};
double stan_similarity(bool timed) {
  const double cosine = std::exp(-1.0) / (std::sqrt(std::exp(-2.0) + 1) * std::sqrt(3.0));
  return cosine * (timed ? std::exp(-0.5) : 1.0);  // 1 day old, lambda_snh = 2 days
}

TEST(Stan, DecaysBySessionPositionAgeAndItemDistance) {
  const Dataset d = stan_data();
  const auto m = fitted("stan", d, kStan);
  const auto s = scores_of(*m, d, {1, 2}, kQueryTimes);
  const double sim = stan_similarity(true);
  EXPECT_NEAR(s[1], sim, 1e-6);                   // the shared item itself: distance 0
  EXPECT_NEAR(s[5], sim * std::exp(-1.0), 1e-6);  // one position before it
  EXPECT_NEAR(s[6], sim * std::exp(-1.0), 1e-6);
  EXPECT_FLOAT_EQ(s[7], 0.0f);
  // Without times (or unknown times, 0) there is no age decay.
  EXPECT_NEAR(scores_of(*m, d, {1, 2})[1], stan_similarity(false), 1e-6);
  EXPECT_NEAR(scores_of(*m, d, {1, 2}, {0, 0})[1], stan_similarity(false), 1e-6);
  // A neighbour ending after "now" is not boosted.
  EXPECT_NEAR(scores_of(*m, d, {1, 2}, {500, 1000})[1], stan_similarity(false), 1e-6);
}

TEST(Vstan, AddsItemPositionAndIdfWeights) {
  const Dataset d = stan_data();
  nlohmann::json hp = kStan;
  hp["lambda_ipw"] = 1;  // the neighbour shares query position 1 of 2: x e^-1
  hp["lambda_idf"] = 1;  // every item occurs once in 2 sessions: x (1 + log 2)
  const auto s = scores_of(*fitted("vstan", d, hp), d, {1, 2}, kQueryTimes);
  const double factor = std::exp(-1.0) * (1 + std::log(2.0));
  EXPECT_NEAR(s[1], stan_similarity(true) * factor, 1e-6);
  EXPECT_NEAR(s[5], stan_similarity(true) * std::exp(-1.0) * factor, 1e-6);
  hp["similarity"] = "vec";  // sum of shared weights / #query items
  const auto v = scores_of(*fitted("vstan", d, hp), d, {1, 2}, kQueryTimes);
  EXPECT_NEAR(v[1], std::exp(-1.0) / 2 * std::exp(-0.5) * factor, 1e-6);
}

TEST(Stan, NullOrZeroLambdasTurnDecaysOff) {
  const Dataset d = stan_data();
  const nlohmann::json off = {
      {"lambda_spw", nullptr}, {"lambda_snh", 0}, {"lambda_inh", nullptr}, {"backfill", false}};
  const auto s = scores_of(*fitted("stan", d, off), d, {1, 2}, kQueryTimes);
  const double binary_cosine = 1 / (std::sqrt(2.0) * std::sqrt(3.0));
  EXPECT_NEAR(s[1], binary_cosine, 1e-6);
  EXPECT_NEAR(s[5], binary_cosine, 1e-6);
}

}  // namespace
}  // namespace kairos
