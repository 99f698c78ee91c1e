// The deep intent model ("gru"): trained by the trainer on the validation log-loss (Task::kIntent),
// it learns a planted funnel from the events alone — a cart makes a later purchase likely.
#include <gtest/gtest.h>

#include "core/error.h"
#include "core/event_type.h"
#include "core/rng.h"
#include "data/test_util.h"
#include "eval/intent_evaluator.h"
#include "models/factory.h"

namespace kairos {
namespace {

// Sessions of 2..9 views; with probability 0.15 per event (once) a cart; sessions with a cart end
// in a buy with probability 0.8, others with 0.05.
Dataset funnel(size_t train, size_t valid, size_t test) {
  Rng rng(5);
  std::vector<uint32_t> cats(31, 1);
  cats[0] = 0;
  test::SessionsBuilder b(30, {"", "a"}, cats, 30'000);
  for (size_t s = 0; s < train + valid + test; ++s) {
    const size_t len = 2 + rng.below(8);
    bool carted = false;
    uint32_t last = 1;
    for (size_t i = 0; i < len; ++i) {
      last = 1 + static_cast<uint32_t>(rng.below(30));
      const bool cart = !carted && rng.uniform() < 0.15;
      b.add(last, static_cast<uint8_t>(cart ? EventType::kCart : EventType::kView));
      carted |= cart;
    }
    if (rng.uniform() < (carted ? 0.8 : 0.05)) b.add(last, static_cast<uint8_t>(EventType::kBuy));
    b.end_session();
  }
  return b.build(train, valid, test);
}

TEST(GruIntent, LearnsThePlantedFunnelFromTheEvents) {
  const Dataset d = funnel(4000, 1000, 2000);
  eval::IntentEvalOptions o;
  o.bootstrap = 0;
  o.progress = false;
  const auto gru = eval::evaluate_intent_sequence(
      "gru",
      [] {
        return make_sequence_intent_model(
            "gru", {{"hidden", 16}, {"item_dim", 0}, {"n_epochs", 6}, {"dropout", 0.0}});
      },
      d, o);
  ASSERT_EQ(gru.size(), 2u);
  EXPECT_EQ(gru[0].target, "converts");
  // No skill is 0.5; the cart is the signal, visible once it has happened.
  EXPECT_GT(gru[0].metrics.at("ROC-AUC"), 0.7);
  EXPECT_LE(gru[0].metrics.at("ECE"), 0.03);
  EXPECT_GT(gru[1].metrics.at("ROC-AUC"), 0.7);
  EXPECT_THROW(make_sequence_intent_model("lstm"), Error);
  EXPECT_THROW(make_sequence_intent_model("gru", {{"hidden", -1}}), Error);
}

}  // namespace
}  // namespace kairos
