// The retrieval form of the deep models: <query_vector(state), item_vectors row i> equals the
// score of item i, for every GRU4Rec input variant and SASRec, so an index over item_vectors ranks
// exactly as score(). And SASRec's attention explanation: a distribution over the session.
#include <gtest/gtest.h>

#include <numeric>

#include "deep_fixtures.h"
#include "index/item_index.h"

namespace kairos {
namespace {

class RetrievalForm : public ::testing::TestWithParam<std::pair<std::string, nlohmann::json>> {};

TEST_P(RetrievalForm, InnerProductsEqualScores) {
  const Dataset d = testing::planted_dataset(200, 10, 10);
  auto m = make_model(GetParam().first, GetParam().second);
  m->fit(d, d.train_full());
  uint32_t dim = 0;
  const std::vector<float> v = m->item_vectors(dim);
  ASSERT_GT(dim, 0u);
  ASSERT_EQ(v.size(), size_t{d.num_items()} * dim);
  auto state = m->start();
  for (uint32_t item : {3u, 15u, 22u}) {
    m->observe(*state, item, 0, 0);
    std::vector<float> scores(d.num_items());
    m->score(*state, scores);
    const std::vector<float> q = m->query_vector(*state);
    ASSERT_EQ(q.size(), dim);
    for (uint32_t i = 1; i < d.num_items(); ++i) {
      const float ip = std::inner_product(q.begin(), q.end(), v.begin() + size_t{i} * dim, 0.0f);
      ASSERT_NEAR(ip, scores[i], 1e-4f * (1.0f + std::abs(scores[i]))) << "item " << i;
    }
    // The exact index over the vectors returns the score() top 5.
    const auto top = make_exact_index(v, dim)->search(q, 5);
    const auto expect = top_k(scores, 5);
    for (size_t r = 0; r < 5; ++r) EXPECT_EQ(top[r].item, expect[r].item);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Models, RetrievalForm,
    ::testing::Values(
        std::make_pair(std::string("gru4rec"), testing::tiny_gru4rec({{"n_epochs", 1}})),
        std::make_pair(std::string("gru4rec"),
                       testing::tiny_gru4rec(
                           {{"n_epochs", 1}, {"constrained_embedding", false}, {"embedding", 8}})),
        std::make_pair(std::string("gru4rec"),
                       testing::tiny_gru4rec({{"n_epochs", 1},
                                              {"cell", "lstm"},
                                              {"constrained_embedding", false},
                                              {"embedding", 0}})),
        std::make_pair(std::string("sasrec"), testing::tiny_sasrec({{"n_epochs", 1}})),
        std::make_pair(std::string("narm"), testing::tiny_narm({{"n_epochs", 1}})),
        std::make_pair(std::string("srgnn"), testing::tiny_srgnn({{"n_epochs", 1}})),
        std::make_pair(std::string("nextitnet"), testing::tiny_nextitnet({{"n_epochs", 1}})),
        std::make_pair(std::string("bsarec"), testing::tiny_sasrec({{"n_epochs", 1}})),
        std::make_pair(std::string("srgnn"), testing::tiny_sgnn_hn({{"n_epochs", 1}})),
        std::make_pair(std::string("sasrec"),
                       testing::tiny_sasrec({{"n_epochs", 1}, {"temperature", 0.1}}))));

TEST(SasRecExplain, AttentionIsADistributionOverTheSession) {
  const Dataset d = testing::planted_dataset(200, 10, 10);
  auto m = make_model("sasrec", testing::tiny_sasrec({{"n_epochs", 2}, {"blocks", 2}}));
  m->fit(d, d.train_full());
  auto state = m->start();
  for (uint32_t item : {3u, 15u, 22u, 7u}) m->observe(*state, item, 0, 0);
  const auto why = m->explain(*state, 5, d.num_items(), 3);
  ASSERT_EQ(why.size(), 3u);  // the 3 most recent events
  float total = 0;
  for (size_t i = 0; i < why.size(); ++i) {
    EXPECT_GE(why[i].position, 1u);
    EXPECT_EQ(why[i].item, state->items[why[i].position]);
    EXPECT_GT(why[i].weight, 0.0f);
    if (i > 0) EXPECT_GE(why[i - 1].weight, why[i].weight);  // strongest first
    EXPECT_NE(why[i].reason.find("attention"), std::string::npos);
    total += why[i].weight;
  }
  EXPECT_NEAR(total, 1.0f, 1e-4f);
}

}  // namespace
}  // namespace kairos
