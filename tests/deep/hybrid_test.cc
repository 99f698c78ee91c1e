// The hybrid blends a deep model's softmax with a kNN baseline's normalised scores: its weight
// ends at either part's own ranking, is tuned on validation, and the whole blend (deep weights and
// the kNN part's sessions) survives an artifact round trip.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <numeric>

#include "core/error.h"
#include "data/test_util.h"
#include "deep_fixtures.h"
#include "models/artifact.h"

namespace kairos {
namespace {

nlohmann::json hybrid_config(nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json j = {{"deep", "gru4rec"},
                      {"deep_config", testing::tiny_gru4rec({{"n_epochs", 2}})},
                      {"knn", "sknn"},
                      {"knn_config", {{"k", 20}}}};
  j.update(extra);
  return j;
}

// Item indices 1..n-1 by descending score (ties by index).
std::vector<uint32_t> order_of(const std::vector<float>& s) {
  std::vector<uint32_t> idx(s.size() - 1);
  std::iota(idx.begin(), idx.end(), 1u);
  std::stable_sort(idx.begin(), idx.end(), [&](uint32_t a, uint32_t b) { return s[a] > s[b]; });
  return idx;
}

class HybridTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = std::make_unique<Dataset>(testing::planted_dataset(300, 60, 20));
  }
  std::unique_ptr<Dataset> data_;
  test::TempDir tmp_;
};

TEST_F(HybridTest, WeightOneIsTheDeepModelAndZeroTheKnn) {
  const std::vector<uint32_t> session = {3, 15};
  const uint32_t n = data_->num_items();
  auto deep = make_model("gru4rec", testing::tiny_gru4rec({{"n_epochs", 2}}));
  deep->fit(*data_, data_->train_full());
  auto knn = make_model("sknn", {{"k", 20}});
  knn->fit(*data_, data_->train_full());
  auto all_deep = make_model("hybrid", hybrid_config({{"weight", 1.0}}));
  all_deep->fit(*data_, data_->train_full());
  auto all_knn = make_model("hybrid", hybrid_config({{"weight", 0.0}}));
  all_knn->fit(*data_, data_->train_full());
  const auto deep_scores = testing::scores_of(*deep, n, session);
  const auto blended = testing::scores_of(*all_deep, n, session);
  EXPECT_EQ(order_of(blended), order_of(deep_scores));  // same seed: the same deep model
  float total = 0;
  for (uint32_t i = 1; i < n; ++i) total += blended[i];
  EXPECT_NEAR(total, 1.0f, 1e-4);  // a distribution over the catalogue
  const auto knn_scores = testing::scores_of(*knn, n, session);
  const auto knn_blend = testing::scores_of(*all_knn, n, session);
  // The kNN's candidates (positive scores) keep their order; the items it only back-fills by
  // popularity (negative scores) get no share of its mass.
  for (uint32_t i = 1; i < n; ++i) {
    if (knn_scores[i] <= 0) EXPECT_EQ(knn_blend[i], 0.0f);
    for (uint32_t j = 1; j < n; ++j) {
      if (knn_scores[i] > knn_scores[j] && knn_scores[i] > 0) {
        ASSERT_GT(knn_blend[i], knn_blend[j]) << i << " " << j;
      }
    }
  }
}

TEST_F(HybridTest, TunesTheWeightOnValidationAndSurvivesAnArtifactRoundTrip) {
  auto m = make_model("hybrid", hybrid_config({{"grid_step", 0.25}}));
  m->fit(*data_, data_->train_full());
  const nlohmann::json report = m->training_report();
  ASSERT_EQ(report["tuning"]["grid"].size(), 5u);  // 0, 0.25, ..., 1
  const double w = m->hparams()["weight"].get<double>();
  EXPECT_GE(w, 0.0);
  EXPECT_LE(w, 1.0);
  double best = 0;
  for (const auto& row : report["tuning"]["grid"])
    best = std::max(best, row["valid_MRR@20"].get<double>());
  for (const auto& row : report["tuning"]["grid"]) {
    if (row["weight"].get<double>() == w) EXPECT_EQ(row["valid_MRR@20"].get<double>(), best);
  }
  const std::string dir = tmp_.file("hybrid");
  save_artifact(*m, *data_, dir);
  EXPECT_TRUE(std::filesystem::is_regular_file(dir + "/neighbours.kds"));
  const Artifact a = load_artifact(dir);
  const uint32_t n = data_->num_items();
  for (const std::vector<uint32_t>& s : {std::vector<uint32_t>{3, 15}, std::vector<uint32_t>{7}}) {
    const auto loaded = testing::scores_of(*a.model, n, s), fitted = testing::scores_of(*m, n, s);
    for (uint32_t i = 1; i < n; ++i) EXPECT_FLOAT_EQ(loaded[i], fitted[i]) << "item " << i;
    // The serving path (state, one event at a time) agrees with the query path.
    auto state = a.model->start();
    for (uint32_t item : s) a.model->observe(*state, item, 0, 0);
    std::vector<float> via_state(n);
    a.model->score(*state, via_state);
    // (GRU4Rec's serving step is plain float code, its query path LibTorch: rounding differs.)
    for (uint32_t i = 1; i < n; ++i) EXPECT_NEAR(via_state[i], loaded[i], 1e-5) << "item " << i;
  }
  std::filesystem::remove(dir + "/neighbours.kds");
  try {
    load_artifact(dir);
    ADD_FAILURE() << "loaded without neighbours.kds";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("neighbours.kds"), std::string::npos) << e.what();
  }
}

TEST_F(HybridTest, UsesATrainedArtifactAsItsDeepPart) {
  auto deep = make_model("gru4rec", testing::tiny_gru4rec({{"n_epochs", 2}}));
  deep->fit(*data_, data_->train());
  const std::string deep_dir = tmp_.file("deep");
  save_artifact(*deep, *data_, deep_dir);
  auto m = make_model("hybrid", {{"deep_artifact", deep_dir}, {"knn", "sknn"}, {"weight", 1.0}});
  m->fit(*data_, data_->train_full());
  const uint32_t n = data_->num_items();
  EXPECT_EQ(order_of(testing::scores_of(*m, n, {3, 15})),
            order_of(testing::scores_of(*deep, n, {3, 15})));
  EXPECT_EQ(m->hparams()["deep"], "gru4rec");
  // Another dataset: refused (its item indices would not match).
  const Dataset other = testing::planted_dataset(300, 60, 20, 99);
  auto m2 = make_model("hybrid", {{"deep_artifact", deep_dir}, {"weight", 1.0}});
  EXPECT_THROW(m2->fit(other, other.train_full()), Error);
}

TEST(HybridConfig, PartsMustBeADeepModelAndABaseline) {
  for (const nlohmann::json& hp :
       {nlohmann::json{{"knn", "gru4rec"}}, nlohmann::json{{"deep", "vstan"}},
        nlohmann::json{{"weight", 1.5}}, nlohmann::json{{"blend", 1}}}) {
    try {
      make_model("hybrid", hp);
      ADD_FAILURE() << "accepted " << hp.dump();
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kUsage) << hp.dump();
    }
  }
}

}  // namespace
}  // namespace kairos
