// Interest heads on a next-item encoder ("heads"): trained on a GRU4Rec / SASRec artifact's
// frozen session vectors, each head learns the planted funnel; the serving state advances one
// encoder step per event and equals a replay, clones included; the interest artifact carries the
// encoder (it loads after the encoder's own directory is gone); a wrong encoder is refused.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/error.h"
#include "data/test_util.h"
#include "deep/deep_fixtures.h"
#include "deep/interest_checks.h"
#include "models/artifact.h"
#include "models/factory.h"
#include "pipeline/train_interest.h"

namespace kairos {
namespace {

constexpr uint8_t kView = 0, kCart = 1;

nlohmann::json tiny_heads(const std::string& encoder, nlohmann::json extra = {}) {
  nlohmann::json j = {{"encoder", encoder},   {"hidden", 32},   {"dropout", 0.0},
                      {"batch_size", 64},     {"n_epochs", 15}, {"patience", 15},
                      {"learning_rate", 0.01}};
  if (extra.is_object()) j.update(extra);
  return j;
}

// The next-item encoder: a GRU4Rec trained on the funnel data and saved as an artifact.
std::string train_encoder(const Dataset& d, const std::string& dir, const std::string& model,
                          const nlohmann::json& hparams) {
  auto m = make_model(model, hparams);
  m->fit(d, d.train_full());
  save_artifact(*m, d, dir);
  return dir;
}

class EncoderHeadsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    data_ = new Dataset(testing::planted_funnel_dataset(1500, 200, 200));
    tmp_ = new test::TempDir();
    encoder_ = train_encoder(*data_, tmp_->file("gru4rec"), "gru4rec", testing::tiny_gru4rec());
    model_ = make_interest_model(
                 "heads", tiny_heads(encoder_, {{"tasks", {"intent", "category", "next-action"}}}))
                 .release();
    model_->fit(*data_, data_->train_full());
  }
  static void TearDownTestSuite() {
    delete model_;
    delete tmp_;
    delete data_;
  }
  static Dataset* data_;
  static test::TempDir* tmp_;
  static std::string encoder_;
  static InterestModel* model_;
};
Dataset* EncoderHeadsTest::data_ = nullptr;
test::TempDir* EncoderHeadsTest::tmp_ = nullptr;
std::string EncoderHeadsTest::encoder_;
InterestModel* EncoderHeadsTest::model_ = nullptr;

TEST_F(EncoderHeadsTest, EveryHeadLearnsThePlantedFunnelOnTheFrozenEncoder) {
  const std::vector<uint8_t> views = {kView, kView, kView};
  // Intent: decided by the first item's parity, which the encoder's vector after x must carry.
  EXPECT_GT(replay(*model_, std::vector<uint32_t>{3}, views).intent, 0.8);
  EXPECT_LT(replay(*model_, std::vector<uint32_t>{4}, views).intent, 0.2);
  // Category after [x]: y is in c1; after [x, y]: g is in c2.
  const InterestOutput first = replay(*model_, std::vector<uint32_t>{4}, views);
  ASSERT_EQ(first.category.size(), 3u);
  EXPECT_EQ(first.category[0], 0.0f);  // the unknown category is never predicted
  EXPECT_GT(first.category[1], 0.9);
  EXPECT_GT(replay(*model_, std::vector<uint32_t>{4, 12}, views).category[2], 0.9);
  // Next action after [x, y, g]: a cart when x is odd.
  const uint32_t g = 21 + (5 + 12) % 20;
  EXPECT_GT(replay(*model_, std::vector<uint32_t>{5, 12, g}, views).next_action[kCart], 0.6);
  EXPECT_EQ(model_->name(), "heads");
  EXPECT_EQ(model_->hparams()["encoder_model"], "gru4rec");
}

TEST_F(EncoderHeadsTest, OneStepPerEventEqualsReplayAndClonesAreIndependent) {
  const std::vector<uint32_t> items = {7, 15, 22, 22};
  const std::vector<uint8_t> types = {kView, kView, kView, kCart};
  testing::expect_steps_equal_replay(*model_, *model_->start(), items, types);
  // A clone taken after two events still answers for those two when the original goes on.
  const std::unique_ptr<InterestState> state = model_->start();
  model_->observe(*state, items[0], types[0]);
  model_->observe(*state, items[1], types[1]);
  const std::unique_ptr<InterestState> copy = state->clone();
  model_->observe(*state, items[2], types[2]);
  EXPECT_EQ(model_->predict(*copy).category,
            replay(*model_, std::span(items).first(2), std::span(types).first(2)).category);
  // Items the model does not know leave the state as it was.
  const std::unique_ptr<InterestState> s = model_->start();
  model_->observe(*s, 4, kView);
  const InterestOutput before = model_->predict(*s);
  model_->observe(*s, 999999, kView);
  EXPECT_EQ(model_->predict(*s).category, before.category);
}

TEST_F(EncoderHeadsTest, TheArtifactCarriesTheEncoder) {
  test::TempDir tmp;
  const std::string encoder =
      train_encoder(*data_, tmp.file("enc"), "gru4rec", testing::tiny_gru4rec({{"n_epochs", 2}}));
  InterestTrainOptions o;
  o.model = "heads";
  o.hparams = tiny_heads(encoder, {{"n_epochs", 2}});
  o.tasks = {Task::kCategory, Task::kIntent};
  o.out = tmp.file("heads");
  o.eval_threads = 1;
  const InterestTrainResult r = train_interest_and_save(*data_, o);
  ASSERT_TRUE(r.metrics.contains("category"));
  std::filesystem::remove_all(encoder);  // the artifact must not need it any more
  const InterestArtifact a = load_interest_artifact(o.out);
  EXPECT_EQ(a.model->name(), "heads");
  for (const std::vector<uint32_t>& items : {std::vector<uint32_t>{3, 14}, {8}, {1, 11, 33, 33}}) {
    const InterestOutput x = replay(*a.model, items, {}), y = replay(*r.model, items, {});
    EXPECT_EQ(x.category, y.category);
    EXPECT_EQ(x.intent, y.intent);
  }
}

TEST_F(EncoderHeadsTest, ASasrecEncoderCarriesACategoryHead) {
  test::TempDir tmp;
  const std::string encoder =
      train_encoder(*data_, tmp.file("sasrec"), "sasrec", testing::tiny_sasrec({{"n_epochs", 8}}));
  auto m = make_interest_model("heads", tiny_heads(encoder, {{"tasks", "category"}}));
  m->fit(*data_, data_->train_full());
  EXPECT_GT(replay(*m, std::vector<uint32_t>{4}, {}).category[1], 0.9);
  EXPECT_GT(replay(*m, std::vector<uint32_t>{4, 12}, {}).category[2], 0.9);
}

TEST_F(EncoderHeadsTest, RefusesAMissingOrForeignEncoder) {
  auto none = make_interest_model("heads", tiny_heads("", {{"n_epochs", 1}}));
  EXPECT_THROW(none->fit(*data_, data_->train_full()), Error);
  // An encoder trained on other data: its item indices mean other items.
  const Dataset other = testing::planted_funnel_dataset(300, 50, 50, 99);
  auto foreign = make_interest_model("heads", tiny_heads(encoder_, {{"n_epochs", 1}}));
  EXPECT_THROW(foreign->fit(other, other.train_full()), Error);
  EXPECT_THROW(make_interest_model("heads", tiny_heads(encoder_, {{"hiden", 3}})), Error);
}

}  // namespace
}  // namespace kairos
