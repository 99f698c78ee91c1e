// The interest model ("gru"): one encoder with category, next-action and intent heads learns a
// planted funnel in every head at once; its serving state advances one step per event and equals
// a replay; the artifact round trip (pipeline/train_interest.h) keeps every output and records the
// heads, the calibration and each head's test metrics.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <numeric>

#include "core/error.h"
#include "core/rng.h"
#include "data/test_util.h"
#include "deep/deep_fixtures.h"
#include "deep/interest_checks.h"
#include "models/artifact.h"
#include "models/factory.h"
#include "pipeline/train_interest.h"

namespace kairos {
namespace {

constexpr uint8_t kView = 0, kCart = 1;

class InterestGruTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    data_ = new Dataset(testing::planted_funnel_dataset(1500, 200, 200));
    model_ = make_interest_model(
                 "gru", testing::tiny_interest({{"tasks", {"intent", "category", "next-action"}}}))
                 .release();
    model_->fit(*data_, data_->train_full());
  }
  static void TearDownTestSuite() {
    delete model_;
    delete data_;
  }
  static Dataset* data_;
  static InterestModel* model_;
};
Dataset* InterestGruTest::data_ = nullptr;
InterestModel* InterestGruTest::model_ = nullptr;

TEST_F(InterestGruTest, EveryHeadLearnsThePlantedFunnel) {
  const std::vector<uint8_t> views = {kView, kView, kView};
  // Intent: decided by the first item's parity.
  EXPECT_GT(replay(*model_, std::vector<uint32_t>{3}, views).intent, 0.8);
  EXPECT_LT(replay(*model_, std::vector<uint32_t>{4}, views).intent, 0.2);
  // Next action after [x, y, g]: a cart when x is odd; the end of the session otherwise is not a
  // target, so the view class is what remains.
  const InterestOutput odd = replay(*model_, std::vector<uint32_t>{5, 12, 21 + 17 % 20}, views);
  EXPECT_GT(odd.next_action[kCart], 0.6);
  // Category after [x]: y is in c1.
  const InterestOutput first = replay(*model_, std::vector<uint32_t>{4}, views);
  ASSERT_EQ(first.category.size(), 3u);
  EXPECT_EQ(first.category[0], 0.0f);  // the unknown category is never predicted
  EXPECT_GT(first.category[1], 0.9);
  // After [x, y]: g is in c2.
  EXPECT_GT(replay(*model_, std::vector<uint32_t>{4, 12}, views).category[2], 0.9);
}

TEST_F(InterestGruTest, OneStepPerEventEqualsReplay) {
  const std::unique_ptr<InterestState> state = model_->start();
  testing::expect_steps_equal_replay(*model_, *state, {7, 15, 22, 22},
                                     {kView, kView, kView, kCart});
}

TEST(InterestPipeline, ArtifactRoundTripKeepsOutputsAndRecordsHeads) {
  const Dataset d = testing::planted_funnel_dataset(800, 200, 200, 3);
  test::TempDir tmp;
  InterestTrainOptions o;
  o.hparams = testing::tiny_interest({{"n_epochs", 3}, {"item_stats", true}});
  o.tasks = {Task::kCategory, Task::kIntent};
  o.out = tmp.file("interest");
  o.eval_threads = 1;
  const InterestTrainResult r = train_interest_and_save(d, o);
  ASSERT_TRUE(r.metrics.contains("category"));
  ASSERT_TRUE(r.metrics.contains("intent"));
  EXPECT_GT(r.metrics["intent"]["metrics"]["ROC-AUC"].get<double>(), 0.9);
  EXPECT_TRUE(r.calibration["intent"].contains("isotonic"));

  const InterestArtifact a = load_interest_artifact(o.out);
  EXPECT_EQ(a.meta["tasks"], nlohmann::json({"category", "intent"}));
  EXPECT_EQ(a.meta["format"], "kairos-interest");
  EXPECT_EQ(a.categories, (std::vector<std::string>{"", "c1", "c2"}));
  // The loaded model answers as the trained one does.
  for (const std::vector<uint32_t>& items : {std::vector<uint32_t>{3, 14}, {8}, {1, 11, 33, 33}}) {
    const InterestOutput x = replay(*a.model, items, {}), y = replay(*r.model, items, {});
    EXPECT_EQ(x.category, y.category);
    EXPECT_EQ(x.intent, y.intent);
  }
  // A next-item loader refuses it, and it refuses a next-item artifact.
  EXPECT_THROW(load_artifact(o.out), Error);
}

// A new head on a trained encoder: with freeze_encoder the encoder (the serving state) is the
// artifact's, exactly; without it training moves it.
TEST(InterestPipeline, AHeadTrainsOnAFrozenEncoder) {
  const Dataset d = testing::planted_funnel_dataset(800, 200, 200, 5);
  test::TempDir tmp;
  InterestTrainOptions o;
  o.hparams = testing::tiny_interest({{"n_epochs", 3}});
  o.tasks = {Task::kIntent};
  o.out = tmp.file("intent");
  o.evaluate = false;
  const InterestTrainResult base = train_interest_and_save(d, o);
  auto on_top = [&](bool freeze) {
    auto m = make_interest_model("gru", testing::tiny_interest({{"tasks", {"category"}},
                                                                {"n_epochs", 8},
                                                                {"init_from", o.out},
                                                                {"freeze_encoder", freeze}}));
    m->fit(d, d.train_full());
    return m;
  };
  const auto frozen = on_top(true), free = on_top(false);
  auto state = [](const InterestModel& m) {
    const std::unique_ptr<InterestState> s = m.start();
    for (uint32_t item : {3u, 14u, 37u}) m.observe(*s, item, 0);
    return dynamic_cast<const VectorInterestState&>(*s).v;
  };
  EXPECT_EQ(state(*frozen), state(*base.model));
  EXPECT_NE(state(*free), state(*base.model));
  // The category head learnt on the frozen states: after [x] the next category is c1, whose prior
  // share of the targets is 1/3.
  EXPECT_GT(replay(*frozen, std::vector<uint32_t>{4}, {}).category[1], 0.5);
  // With the source's intent head as well: it comes along frozen, so intent is the source's own.
  auto both = make_interest_model("gru", testing::tiny_interest({{"tasks", {"category", "intent"}},
                                                                 {"n_epochs", 2},
                                                                 {"init_from", o.out},
                                                                 {"freeze_encoder", true}}));
  both->fit(d, d.train_full());
  for (const std::vector<uint32_t>& items : {std::vector<uint32_t>{3}, {4, 12}, {5, 12, 38}}) {
    EXPECT_EQ(replay(*both, items, {}).intent, replay(*base.model, items, {}).intent);
  }
  // Another dataset's artifact is refused.
  const Dataset other = testing::planted_funnel_dataset(300, 50, 50, 6);
  auto m = make_interest_model(
      "gru", testing::tiny_interest(
                 {{"tasks", {"category"}}, {"init_from", o.out}, {"freeze_encoder", true}}));
  EXPECT_THROW(m->fit(other, other.train_full()), Error);
  EXPECT_THROW(make_interest_model("gru", {{"freeze_encoder", true}}), Error);
}

// Sessions: a first event carted or viewed, six views, and a buy exactly when the first event was
// a cart. After the seventh event only a state that kept the first event's type knows. Eight-step
// back-propagation learns it; so does one-step (measured, not assumed): the intent target is
// there at every step, so each step is trained to write what the next one must read.
Dataset remember_the_cart(size_t train, size_t valid, size_t test) {
  Rng rng(21);
  std::vector<uint32_t> cats(21, 1);
  cats[0] = 0;
  test::SessionsBuilder b(20, {"", "c"}, cats);
  for (size_t s = 0; s < train + valid + test; ++s) {
    const bool cart = rng.below(2) == 1;
    b.add(1 + static_cast<uint32_t>(rng.below(20)), cart ? kCart : kView);
    for (int i = 0; i < 6; ++i) b.add(1 + static_cast<uint32_t>(rng.below(20)), kView);
    if (cart) b.add(1 + static_cast<uint32_t>(rng.below(20)), 3);
    b.add(1 + static_cast<uint32_t>(rng.below(20)), kView);  // every session ends with a view
    b.end_session();
  }
  return b.build(train, valid, test);
}

// A single-head intent model without item identities, 8 epochs on `d`, with `extra` hparams.
std::unique_ptr<InterestModel> fit_intent(const Dataset& d, const nlohmann::json& extra) {
  nlohmann::json h = {{"tasks", {"intent"}}, {"item_dim", 0}, {"n_epochs", 8}};
  h.update(extra);
  auto m = make_interest_model("gru", testing::tiny_interest(h));
  m->fit(d, d.train_full());
  return m;
}

TEST(InterestGru, OneAndEightStepBackPropagationKeepAnEarlyCart) {
  const Dataset d = remember_the_cart(2000, 200, 200);
  auto fitted = [&](int bptt) { return fit_intent(d, {{"bptt", bptt}}); };
  // The gap between P(buy) after [cart, 6 views] and after [view, 6 views].
  auto gap = [](const InterestModel& m) {
    const std::vector<uint32_t> items = {3, 4, 5, 6, 7, 8, 9};
    std::vector<uint8_t> carted(7, kView), viewed(7, kView);
    carted[0] = kCart;
    return replay(m, items, carted).intent - replay(m, items, viewed).intent;
  };
  const double one = gap(*fitted(1)), eight = gap(*fitted(8));
  std::printf("P(buy | early cart) - P(buy | no cart) after 7 events: bptt 1 %.3f, bptt 8 %.3f\n",
              one, eight);
  EXPECT_GT(eight, 0.8);
  EXPECT_GT(one, 0.8);
}

// Sessions: an item carted, three views of other items, then a view of the carted item (and a buy
// after it) or of an item not seen before (and no buy); one more view ends the session. All items
// share a category, so without item identity only the session flags tell the two apart.
Dataset revisit_the_cart(size_t train, size_t valid, size_t test) {
  Rng rng(22);
  std::vector<uint32_t> cats(41, 1);
  cats[0] = 0;
  test::SessionsBuilder b(40, {"", "c"}, cats);
  for (size_t s = 0; s < train + valid + test; ++s) {
    const bool revisit = rng.below(2) == 1;
    std::vector<uint32_t> order(40);
    std::iota(order.begin(), order.end(), 1u);
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
    b.add(order[0], kCart);
    for (int i = 1; i <= 3; ++i) b.add(order[i], kView);
    b.add(revisit ? order[0] : order[4], kView);
    if (revisit) b.add(order[0], 3);
    b.add(order[5], kView);
    b.end_session();
  }
  return b.build(train, valid, test);
}

TEST(InterestGru, SessionFlagsSeeARevisitOfTheCartedItem) {
  const Dataset d = revisit_the_cart(2000, 200, 200);
  auto fitted = [&](bool flags) { return fit_intent(d, {{"session_flags", flags}}); };
  // P(buy) after [cart a, b, c, d, view a] minus after [cart a, b, c, d, view e]: served through
  // observe(), so the flags the model trained on (computed per training session) and those of the
  // serving state must agree.
  auto gap = [](const InterestModel& m) {
    const std::vector<uint8_t> types = {kCart, kView, kView, kView, kView};
    return replay(m, std::vector<uint32_t>{3, 4, 5, 6, 3}, types).intent -
           replay(m, std::vector<uint32_t>{3, 4, 5, 6, 7}, types).intent;
  };
  const auto with = fitted(true), without = fitted(false);
  const double g_with = gap(*with), g_without = gap(*without);
  std::printf("P(buy | revisit) - P(buy | new item): flags %.3f, no flags %.3f\n", g_with,
              g_without);
  EXPECT_GT(g_with, 0.8);
  EXPECT_LT(std::abs(g_without), 0.2);
  // The state carries the flags' memory and clones it.
  const std::unique_ptr<InterestState> s = with->start();
  with->observe(*s, 3, kCart);
  const std::unique_ptr<InterestState> copy = s->clone();
  with->observe(*s, 3, kView);
  with->observe(*copy, 3, kView);
  EXPECT_EQ(with->predict(*s).intent, with->predict(*copy).intent);
  EXPECT_GT(s->bytes(), with->start()->bytes());  // counts the remembered items
}

TEST(InterestPipeline, RefusesBadTaskLists) {
  EXPECT_THROW(make_interest_model("gru", {{"tasks", {"category", "category"}}}), Error);
  EXPECT_THROW(make_interest_model("gru", {{"tasks", {"next-item"}}}), Error);
  EXPECT_THROW(make_interest_model("gru", {{"tasks", {"category"}}, {"widht", 3}}), Error);
  EXPECT_THROW(make_interest_model("lstm"), Error);
  // The category head needs categories.
  DatasetParts p;
  p.item_names = {"", "a", "b"};
  p.category_names = {""};
  p.item_category = {0, 0, 0};
  p.items = {1, 2, 1, 2};
  p.types = {0, 0, 0, 0};
  p.ts = {1, 2, 3, 4};
  p.offsets = {0, 2, 4};
  p.users = {0, 0};
  p.num_train = 2;
  const Dataset d = Dataset::from_parts(std::move(p));
  auto m = make_interest_model("gru", {{"tasks", "category"}});
  EXPECT_THROW(m->fit(d, d.train_full()), Error);
}

}  // namespace
}  // namespace kairos
