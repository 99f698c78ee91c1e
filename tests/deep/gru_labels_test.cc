// The deep label model ("gru"): trained by the trainer with the task's validation scalar
// (log-loss), it learns a second-order category pattern that a first-order Markov chain cannot,
// and comes out calibrated after the validation temperature.
#include <gtest/gtest.h>

#include "core/error.h"
#include "core/rng.h"
#include "data/test_util.h"
#include "eval/label_evaluator.h"
#include "models/factory.h"
#include "tasks/event_labels.h"

namespace kairos {
namespace {

// Items 1..40 in 4 categories (item i: 1 + (i - 1) / 10). Sessions of three events: categories
// a, b, then (a + b) mod 4 + 1 — the third depends on both earlier ones, so the last category
// alone (markov) narrows it to one of four, a sequence model can be right every time.
Dataset second_order(size_t train, size_t valid, size_t test) {
  Rng rng(11);
  std::vector<uint32_t> cats(41, 0);
  for (uint32_t i = 1; i <= 40; ++i) cats[i] = 1 + (i - 1) / 10;
  test::SessionsBuilder d(40, {"", "c1", "c2", "c3", "c4"}, cats);
  for (size_t s = 0; s < train + valid + test; ++s) {
    const uint32_t a = 1 + static_cast<uint32_t>(rng.below(4));
    const uint32_t b = 1 + static_cast<uint32_t>(rng.below(4));
    for (uint32_t c : {a, b, (a + b) % 4 + 1})
      d.add(1 + (c - 1) * 10 + static_cast<uint32_t>(rng.below(10)));
    d.end_session();
  }
  return d.build(train, valid, test);
}

eval::LabelEvalResult fit_and_evaluate(const std::string& name, const nlohmann::json& hp,
                                       const Dataset& d, const EventLabels& labels) {
  auto m = make_any_label_model(name, hp);
  m->fit(labels, d, d.train());
  eval::LabelEvalOptions o;
  o.temperature = eval::calibrate_temperature(*m, labels, d, 1);
  o.bootstrap = 0;
  o.progress = false;
  return eval::evaluate_labels(*m, labels, d, o);
}

TEST(GruLabels, LearnsASecondOrderCategoryPatternAndIsCalibrated) {
  const Dataset d = second_order(3000, 500, 1000);
  const EventLabels labels = EventLabels::for_task(Task::kCategory, d);
  const auto markov = fit_and_evaluate("markov", {}, d, labels);
  const auto gru = fit_and_evaluate(
      "gru", {{"hidden", 32}, {"item_dim", 0}, {"n_epochs", 12}, {"dropout", 0.0}, {"patience", 3}},
      d, labels);
  // Cases: predicting the 2nd event (random: 1/4) and the 3rd (determined by the first two).
  EXPECT_LT(markov.metrics.at("HR@1"), 0.5);
  EXPECT_GT(gru.metrics.at("HR@1"), 0.55);
  EXPECT_LT(gru.metrics.at("log-loss"), markov.metrics.at("log-loss") - 0.2);
  EXPECT_LE(gru.metrics.at("ECE"), 0.03);
}

TEST(GruLabels, RefusesBadHyperparameters) {
  EXPECT_THROW(make_any_label_model("gru", {{"hidden", 0}}), Error);
  EXPECT_THROW(make_any_label_model("gru", {{"layers", 2}}), Error);
  EXPECT_THROW(make_any_label_model("lstm"), Error);
}

}  // namespace
}  // namespace kairos
