// The label tasks (category, next-action): event labels, the leakage rule (a model sees the
// prefix only, the target is the next event's class), the baselines on planted patterns, and
// calibration by a validation temperature.
#include <gtest/gtest.h>

#include <cmath>
#include <mutex>
#include <numeric>

#include "core/error.h"
#include "core/rng.h"
#include "data/test_util.h"
#include "eval/label_evaluator.h"
#include "eval/label_report.h"
#include "models/labels/label_model.h"
#include "tasks/event_labels.h"

namespace kairos {
namespace {

// Items 1..50 in 5 categories (item i: category 1 + (i - 1) / 10; item 50's is unknown). Each
// session walks the category cycle 1 -> 2 -> ... -> 5 -> 1 with probability `p_next`, else jumps
// to a uniformly drawn other category. Types: view, then cart with probability 0.3 after a view,
// buy always after a cart.
Dataset planted_labels(size_t train, size_t valid, size_t test, double p_next, uint64_t seed = 3) {
  Rng rng(seed);
  std::vector<uint32_t> cats(51, 0);
  for (uint32_t i = 1; i < 50; ++i) cats[i] = 1 + (i - 1) / 10;
  test::SessionsBuilder b(50, {"", "c1", "c2", "c3", "c4", "c5"}, cats);
  for (size_t s = 0; s < train + valid + test; ++s) {
    const size_t len = 3 + rng.below(6);
    uint32_t cat = 1 + static_cast<uint32_t>(rng.below(5));
    uint8_t type = 0;
    for (size_t e = 0; e < len; ++e) {
      b.add(1 + (cat - 1) * 10 + static_cast<uint32_t>(rng.below(10)), type);
      type = type == 1 ? 3 : type == 0 && rng.uniform() < 0.3 ? 1 : 0;
      const uint32_t cycle = cat % 5 + 1;
      if (rng.uniform() < p_next) {
        cat = cycle;
      } else {
        do cat = 1 + static_cast<uint32_t>(rng.below(5));
        while (cat == cycle);
      }
    }
    b.end_session();
  }
  return b.build(train, valid, test);
}

TEST(EventLabels, CategoryAndActionClasses) {
  const Dataset d = planted_labels(10, 2, 2, 0.8);
  const EventLabels cat = EventLabels::for_task(Task::kCategory, d);
  EXPECT_EQ(cat.num_classes(), 6u);
  EXPECT_EQ(cat.label(11, 3), 2u);
  EXPECT_EQ(cat.label(50, 0), 0u);
  EXPECT_FALSE(cat.is_target(0));
  EXPECT_TRUE(cat.is_target(1));
  const EventLabels act = EventLabels::for_task(Task::kNextAction, d);
  EXPECT_EQ(act.num_classes(), 4u);
  EXPECT_EQ(act.label(11, 3), 3u);
  EXPECT_TRUE(act.is_target(0));
  EXPECT_EQ(act.class_names()[1], "cart");
  EXPECT_THROW(EventLabels::for_task(Task::kNextItem, d), Error);
  EXPECT_THROW(parse_task("churn"), Error);
  EXPECT_EQ(parse_task("next-action"), Task::kNextAction);
}

TEST(EventLabels, CategoryTaskRefusesADatasetWithoutCategories) {
  DatasetParts p;
  p.item_names = {"", "a", "b"};
  p.category_names = {""};
  p.item_category = {0, 0, 0};
  p.items = {1, 2};
  p.types = {0, 0};
  p.ts = {1, 2};
  p.offsets = {0, 2};
  p.users = {0};
  p.num_train = 1;
  const Dataset d = Dataset::from_parts(std::move(p));
  try {
    EventLabels::for_task(Task::kCategory, d);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput);
  }
}

// Records every prefix it is asked about; predicts the prior.
class Spy final : public LabelModel {
 public:
  std::string name() const override { return "spy"; }
  void fit(const EventLabels& labels, const Dataset&, const SessionSet& train) override {
    prior_ = label_prior(labels, train, 1.0);
  }
  void predict(const SessionQuery& q, std::span<float> probs) const override {
    {
      const std::lock_guard lock(mu_);
      seen_.emplace_back(q.items.begin(), q.items.end());
    }
    for (size_t c = 0; c < probs.size(); ++c) probs[c] = static_cast<float>(prior_[c]);
  }
  mutable std::mutex mu_;
  mutable std::vector<std::vector<uint32_t>> seen_;
  std::vector<double> prior_;
};

// The leakage rule: for every case the model is shown exactly the events before the target and
// the target is the class of the next event (a case's prefix is never longer than its position).
TEST(LabelEvaluator, ModelsSeeThePrefixOnlyAndTargetsAreTheNextEvent) {
  const Dataset d = planted_labels(50, 5, 40, 0.8);
  const EventLabels labels = EventLabels::for_task(Task::kCategory, d);
  Spy spy;
  spy.fit(labels, d, d.train_full());
  eval::LabelEvalOptions o;
  o.threads = 1;
  o.bootstrap = 0;
  o.progress = false;
  const eval::LabelEvalResult r = eval::evaluate_labels(spy, labels, d, o);
  uint64_t skipped = 0;
  const auto cases = eval::label_cases(d.test(), labels, 1, 0, &skipped);
  ASSERT_EQ(spy.seen_.size(), cases.size());
  EXPECT_EQ(r.cases, cases.size());
  EXPECT_EQ(r.skipped_unknown, skipped);
  uint64_t all_prefixes = 0;
  for (size_t s = 0; s < d.test().size(); ++s) all_prefixes += d.test()[s].size() - 1;
  EXPECT_EQ(cases.size() + skipped, all_prefixes);
  EXPECT_GT(skipped, 0u);  // item 50's events have no category
  for (size_t i = 0; i < cases.size(); ++i) {
    const SessionView s = d.test()[cases[i].session];
    const std::vector<uint32_t> prefix(s.items.begin(), s.items.begin() + cases[i].prefix);
    EXPECT_EQ(spy.seen_[i], prefix) << "case " << i;
    EXPECT_TRUE(labels.is_target(labels.label(s.items[cases[i].prefix], 0)));
  }
  // The prior's HR@1 is the share of the most frequent class among the targets: < 0.5 here.
  EXPECT_LT(r.metrics.at("HR@1"), 0.5);
}

eval::LabelEvalResult fit_calibrate_evaluate(const std::string& name, const Dataset& d, Task task) {
  const EventLabels labels = EventLabels::for_task(task, d);
  auto on_train = make_label_model(name);
  on_train->fit(labels, d, d.train());
  eval::LabelEvalOptions o;
  o.temperature = eval::calibrate_temperature(*on_train, labels, d, 1);
  o.bootstrap = 0;
  o.progress = false;
  auto m = make_label_model(name);
  m->fit(labels, d, d.train_full());
  return eval::evaluate_labels(*m, labels, d, o);
}

// The planted cycle makes the next category 70 % predictable from the last one: markov finds it
// (HR@1 near 0.7), popularity cannot (about 1/5), and after the validation temperature markov's
// probabilities are calibrated (ECE <= 0.02).
TEST(LabelBaselines, MarkovLearnsThePlantedCategoryCycleAndIsCalibrated) {
  const Dataset d = planted_labels(3000, 800, 1500, 0.7);
  const auto pop = fit_calibrate_evaluate("popularity", d, Task::kCategory);
  const auto markov = fit_calibrate_evaluate("markov", d, Task::kCategory);
  const auto decay = fit_calibrate_evaluate("session-decay", d, Task::kCategory);
  EXPECT_LT(pop.metrics.at("HR@1"), 0.3);
  EXPECT_GT(markov.metrics.at("HR@1"), 0.62);
  EXPECT_LT(markov.metrics.at("log-loss"), pop.metrics.at("log-loss") - 0.3);
  EXPECT_LE(markov.metrics.at("ECE"), 0.02);
  EXPECT_GT(markov.metrics.at("rest-Recall@3"), pop.metrics.at("rest-Recall@3"));
  EXPECT_GT(decay.cases, 0u);
  const std::string table = eval::to_table({pop, markov, decay});
  EXPECT_NE(table.find("session-decay"), std::string::npos);
  EXPECT_EQ(eval::to_json(markov)["reliability"].size(), 15u);
  // Paired against popularity on the same cases: markov's lower log-loss and higher HR@1 hold in
  // every resample of the sessions.
  const auto paired = eval::compare_labels({pop, markov, decay}, 100, 1);
  ASSERT_EQ(paired.size(), 2u);
  EXPECT_EQ(paired[0].model, "markov");
  EXPECT_EQ(paired[0].baseline, "popularity");
  EXPECT_EQ(paired[0].k, 1);
  EXPECT_NEAR(paired[0].log_loss.value, markov.metrics.at("log-loss") - pop.metrics.at("log-loss"),
              1e-9);
  EXPECT_NEAR(paired[0].hit.value, markov.metrics.at("HR@1") - pop.metrics.at("HR@1"), 1e-9);
  EXPECT_LT(paired[0].log_loss.high, 0.0);
  EXPECT_GT(paired[0].hit.low, 0.0);
  EXPECT_NE(eval::to_table(paired).find("against popularity"), std::string::npos);
}

// Next action: a cart is always followed by a buy, so markov predicts buys after carts.
TEST(LabelBaselines, MarkovLearnsTheFunnelOfTheNextAction) {
  const Dataset d = planted_labels(2000, 400, 800, 0.7);
  const auto pop = fit_calibrate_evaluate("popularity", d, Task::kNextAction);
  const auto markov = fit_calibrate_evaluate("markov", d, Task::kNextAction);
  EXPECT_LT(markov.metrics.at("log-loss"), pop.metrics.at("log-loss"));
  EXPECT_GT(markov.metrics.at("HR@1"), pop.metrics.at("HR@1"));
  EXPECT_LE(markov.metrics.at("ECE"), 0.03);
}

TEST(LabelEvaluator, TemperatureKeepsZerosAndNormalises) {
  std::vector<float> p = {0.0f, 0.6f, 0.3f, 0.1f};
  eval::apply_temperature(p, 2.0);
  EXPECT_EQ(p[0], 0.0f);
  EXPECT_NEAR(p[1] + p[2] + p[3], 1.0, 1e-6);
  // T = 2: proportional to sqrt(p).
  const double z = std::sqrt(0.6) + std::sqrt(0.3) + std::sqrt(0.1);
  EXPECT_NEAR(p[1], std::sqrt(0.6) / z, 1e-6);
  std::vector<float> same = {0.0f, 0.6f, 0.3f, 0.1f};
  eval::apply_temperature(same, 1.0);
  EXPECT_EQ(same[1], 0.6f);
}

TEST(LabelBaselines, RefuseUnknownNamesAndHyperparameters) {
  EXPECT_THROW(make_label_model("lstm"), Error);
  EXPECT_THROW(make_label_model("markov", {{"alpha", 1}}), Error);
  EXPECT_THROW(make_label_model("session-decay", {{"decay", 1.5}}), Error);
  EXPECT_NO_THROW(make_label_model("session-decay", {{"decay", 0.5}, {"gamma", 2}}));
}

}  // namespace
}  // namespace kairos
