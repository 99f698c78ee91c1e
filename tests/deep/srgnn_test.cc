// SR-GNN's scoring paths agree: padded batches of session graphs score each session as it would
// alone, unknown items and events beyond max_len are ignored, and the readout's attention explains
// the session's own events.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "deep_fixtures.h"
#include "models/factory.h"

namespace kairos {
namespace {

class SrGnnScoring : public ::testing::TestWithParam<nlohmann::json> {
 protected:
  void SetUp() override {
    data_ = std::make_unique<Dataset>(testing::planted_dataset(200, 10, 10));
    model_ = make_model("srgnn", GetParam());
    model_->fit(*data_, data_->train_full());
  }
  std::unique_ptr<SessionState> state_of(const std::vector<uint32_t>& items) const {
    auto s = model_->start();
    for (uint32_t item : items) model_->observe(*s, item, 0, 0);
    return s;
  }
  std::unique_ptr<Dataset> data_;
  std::unique_ptr<SessionModel> model_;
};

TEST_P(SrGnnScoring, ABatchScoresEachSessionAsAlone) {
  const uint32_t n = data_->num_items();
  // Lengths 1 to beyond max_len (8), repeats (a graph with fewer nodes than events), and an
  // empty session, padded together in one batch.
  const std::vector<std::vector<uint32_t>> sessions = {
      {4}, {3, 15, 22, 7}, {}, {5, 9, 5, 9, 5, 11}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 3}, {7, 7}};
  std::vector<std::unique_ptr<SessionState>> states;
  std::vector<const SessionState*> ptrs;
  for (const auto& s : sessions) {
    states.push_back(state_of(s));
    ptrs.push_back(states.back().get());
  }
  std::vector<float> batch(sessions.size() * n);
  model_->score_batch(ptrs, batch);
  for (size_t r = 0; r < sessions.size(); ++r) {
    const std::vector<float> alone = testing::scores_of(*model_, n, sessions[r]);
    EXPECT_TRUE(std::isinf(batch[r * n]) && batch[r * n] < 0);
    for (uint32_t i = 1; i < n; ++i) {
      ASSERT_NEAR(batch[r * n + i], alone[i], 1e-4) << "session " << r << " item " << i;
    }
  }
  // The empty session scores zero (no information), not garbage from the padding.
  for (uint32_t i = 1; i < n; ++i) EXPECT_EQ(batch[2 * n + i], 0.0f);
}

TEST_P(SrGnnScoring, UnknownItemsAndEventsBeyondMaxLenAreIgnored) {
  const uint32_t n = data_->num_items();
  EXPECT_EQ(testing::scores_of(*model_, n, {3, n + 5, 15, 0}),
            testing::scores_of(*model_, n, {3, 15}));
  const std::vector<uint32_t> last8 = {2, 3, 4, 5, 6, 7, 8, 9};
  std::vector<uint32_t> longer = {20, 21, 22};
  longer.insert(longer.end(), last8.begin(), last8.end());
  EXPECT_EQ(testing::scores_of(*model_, n, longer), testing::scores_of(*model_, n, last8));
  // ...but an earlier event inside the window does change the scores.
  EXPECT_NE(testing::scores_of(*model_, n, {3, 15}), testing::scores_of(*model_, n, {4, 15}));
}

TEST_P(SrGnnScoring, ExplainsWithTheReadoutAttention) {
  const auto state = state_of({3, 15, 22, 7});
  const auto why = model_->explain(*state, 5, data_->num_items(), 3);
  ASSERT_EQ(why.size(), 3u);  // the 3 most recent events
  for (const auto& w : why) {
    EXPECT_GE(w.position, 1u);
    EXPECT_EQ(w.item, state->items[w.position]);
    EXPECT_GE(w.weight, 0.0f);
  }
}

// With the repeat mixture, scores are log-probabilities over the catalogue (padding excluded),
// and the repeat side adds mass to the session's own items only.
TEST(SrGnnRepeat, ScoresAreTheMixturesLogProbabilities) {
  const Dataset data = testing::planted_dataset(200, 10, 10);
  const auto model =
      make_model("srgnn", testing::tiny_sgnn_hn({{"n_epochs", 1}, {"repeat", true}}));
  model->fit(data, data.train_full());
  const uint32_t n = data.num_items();
  for (const std::vector<uint32_t>& session :
       {std::vector<uint32_t>{3}, std::vector<uint32_t>{3, 15, 22, 3}}) {
    const std::vector<float> s = testing::scores_of(*model, n, session);
    double total = 0;
    for (uint32_t i = 1; i < n; ++i) total += std::exp(static_cast<double>(s[i]));
    EXPECT_NEAR(total, 1.0, 1e-3);
  }
  uint32_t dim = 7;
  EXPECT_TRUE(model->item_vectors(dim).empty());  // no retrieval form
  EXPECT_EQ(dim, 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Configs, SrGnnScoring,
    ::testing::Values(testing::tiny_srgnn({{"n_epochs", 1}}),
                      testing::tiny_sgnn_hn({{"n_epochs", 1}}),
                      testing::tiny_sgnn_hn({{"n_epochs", 1}, {"repeat", true}}),
                      testing::tiny_sgnn_hn({{"n_epochs", 1}, {"global_neighbors", 4}})));

TEST(SrGnnConfig, RejectsBadValues) {
  for (const nlohmann::json& hp :
       {nlohmann::json{{"steps", 0}}, nlohmann::json{{"scale", -1}},
        nlohmann::json{{"loss", "bpr"}}, nlohmann::json{{"dropout", 1.0}},
        nlohmann::json{{"global_neighbors", -1}}, nlohmann::json{{"global_window", 0}}}) {
    try {
      make_model("srgnn", hp);
      ADD_FAILURE() << "accepted " << hp.dump();
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kUsage) << hp.dump();
    }
  }
}

// NextItNet shares SASRec's keys but not its encoder's: each refuses the other's.
TEST(NextItNetConfig, KeysOfTheOtherEncoderAreRefused) {
  EXPECT_THROW(make_model("nextitnet", {{"heads", 2}}), Error);
  EXPECT_THROW(make_model("sasrec", {{"dilations", {1, 2}}}), Error);
  EXPECT_THROW(make_model("nextitnet", {{"dilations", nlohmann::json::array()}}), Error);
  const auto m = make_model("nextitnet", {{"dilations", {1, 2}}});
  EXPECT_EQ(m->name(), "nextitnet");
  EXPECT_FALSE(m->hparams().contains("heads"));
  EXPECT_EQ(m->hparams()["dilations"], nlohmann::json({1, 2}));
}

}  // namespace
}  // namespace kairos
