// The Trainer with a scripted model: validation picks the best epoch, patience stops training,
// the best weights are restored, the JSON-lines log has one line per epoch, and the schedule's
// factor reaches the model; the trainer owns the batch loop (gradient, then update, per batch).
#include "train/trainer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <csignal>
#include <fstream>

#include "core/error.h"
#include "data/test_util.h"

namespace kairos {
namespace {

// Scores the target of the validation session first when `quality` is high; otherwise last.
// "Weights" = quality; training sets it from a script per epoch.
class ScriptedModel : public SessionModel, public Trainable {
 public:
  explicit ScriptedModel(std::vector<double> script) : script_(std::move(script)) {}
  std::string name() const override { return "scripted"; }
  void fit(const Dataset&, const SessionSet&) override {}
  void score(const SessionQuery& q, std::span<float> scores) const override {
    // The validation case is [1] -> 2: put item 2 at rank 1/quality.
    reset_scores(scores);
    const size_t above = static_cast<size_t>(std::lround(1.0 / quality_)) - 1;
    size_t placed = 0;
    for (size_t i = 1; i < scores.size(); ++i) {
      if (i == 2) continue;  // stays 0
      scores[i] = placed < above ? 1.0f : -1.0f;
      if (placed < above) ++placed;
    }
  }
  const SessionModel& model() const override { return *this; }
  uint64_t events_per_epoch() const override { return 10; }
  // Two batches per epoch of 5 targets each; the epoch's quality is set by its last update.
  void begin_epoch(int epoch, double lr_factor) override {
    epoch_ = epoch;
    batches_left_ = 2;
    factors.push_back(lr_factor);
    calls += "B";
  }
  bool forward_backward(EpochProgress* p) override {
    if (batches_left_ == 0) return false;
    if (epoch_ == interrupt_epoch && batches_left_ == 2) std::raise(SIGINT);
    --batches_left_;
    p->events += 5;
    p->loss_sum += 2.5;
    calls += "f";
    return true;
  }
  void apply_update() override {
    if (batches_left_ == 0) quality_ = script_.at(epoch_);
    calls += "a";
  }
  void end_epoch() override { calls += "E"; }
  void keep_best() override { best_ = quality_; }
  void restore_best() override { quality_ = best_; }
  double quality() const { return quality_; }
  std::vector<double> factors;
  int interrupt_epoch = -1;  // raises SIGINT in this epoch's first batch
  std::string calls;         // B begin_epoch, f forward_backward, a apply_update, E end_epoch

 private:
  int epoch_ = 0, batches_left_ = 0;
  std::vector<double> script_;
  double quality_ = 0.01, best_ = 0.01;
};

Dataset tiny() {
  DatasetParts p;
  p.item_names = {""};
  for (int i = 1; i <= 30; ++i) p.item_names.push_back(std::to_string(i));
  p.category_names = {""};
  p.item_category.assign(31, 0);
  for (const std::vector<uint32_t>& s : {std::vector<uint32_t>{3, 4}, {1, 2}, {5, 6}}) {
    for (uint32_t i : s) {
      p.items.push_back(i);
      p.types.push_back(0);
      p.ts.push_back(static_cast<int64_t>(p.items.size()) * 1000);
    }
    p.offsets.push_back(p.items.size());
    p.users.push_back(0);
  }
  p.num_train = 1;
  p.num_valid = 1;
  p.num_test = 1;
  return Dataset::from_parts(std::move(p));
}

TEST(Trainer, KeepsTheBestEpochAndStopsAfterPatience) {
  const Dataset d = tiny();
  ScriptedModel m({0.25, 0.5, 0.2, 0.1, 1.0, 1.0});  // best = epoch 2 (1-based); 1.0 never reached
  test::TempDir tmp;
  TrainOptions o;
  o.epochs = 6;
  o.patience = 2;
  o.log_path = tmp.file("log.jsonl");
  o.schedule.kind = "step";
  o.schedule.gamma = 0.5;
  o.schedule.step_epochs = 1;
  const TrainSummary s = run_training(m, d, o);
  ASSERT_EQ(s.epochs.size(), 4u);  // epochs 3 and 4 did not improve -> stop
  EXPECT_TRUE(s.stopped_early);
  EXPECT_EQ(s.best_epoch, 1);
  EXPECT_NEAR(s.best_valid_mrr, 0.5, 1e-9);
  EXPECT_EQ(m.quality(), 0.5);  // restored
  EXPECT_EQ(m.factors, (std::vector<double>{1.0, 0.5, 0.25, 0.125}));
  EXPECT_NEAR(s.epochs[0].loss, 0.5, 1e-12);
  std::ifstream log(o.log_path);
  std::string line;
  int lines = 0;
  while (std::getline(log, line)) {
    const auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j["epoch"], ++lines);
    EXPECT_TRUE(j.contains("valid_MRR@20"));
  }
  EXPECT_EQ(lines, 4);
}

TEST(Trainer, WithoutValidationRunsEveryEpoch) {
  const Dataset d = tiny();
  ScriptedModel m({0.5, 0.25, 0.1});
  TrainOptions o;
  o.epochs = 3;
  o.validate = false;
  const TrainSummary s = run_training(m, d, o);
  EXPECT_EQ(s.epochs.size(), 3u);
  EXPECT_EQ(s.best_epoch, -1);
  EXPECT_EQ(m.quality(), 0.1);  // the last epoch is kept
  // The trainer runs the batch loop: every gradient is applied before the next is computed.
  EXPECT_EQ(m.calls,
            "BfafaE"
            "BfafaE"
            "BfafaE");
  EXPECT_EQ(s.epochs[0].events, 10u);
}

// Ctrl-C in epoch 3: the batch in progress is applied, the epoch is abandoned (not validated or
// recorded), and the best validated epoch's weights are restored; the handler is then removed.
TEST(Trainer, AnInterruptKeepsTheBestEpochSoFar) {
  const Dataset d = tiny();
  ScriptedModel m({0.25, 0.5, 1.0, 1.0});
  m.interrupt_epoch = 2;
  TrainOptions o;
  o.epochs = 4;
  o.interruptible = true;
  const TrainSummary s = run_training(m, d, o);
  EXPECT_TRUE(s.interrupted);
  EXPECT_FALSE(s.stopped_early);
  ASSERT_EQ(s.epochs.size(), 2u);
  EXPECT_EQ(s.best_epoch, 1);
  EXPECT_EQ(m.quality(), 0.5);
  EXPECT_EQ(m.calls,
            "BfafaE"
            "BfafaE"
            "BfaE");
  EXPECT_TRUE(to_json(s)["interrupted"].get<bool>());
  struct sigaction now = {};
  sigaction(SIGINT, nullptr, &now);
  EXPECT_EQ(now.sa_handler, SIG_DFL);
}

TEST(LrSchedule, CosineAndWarmup) {
  LrSchedule c;
  c.kind = "cosine";
  EXPECT_DOUBLE_EQ(c.factor(0, 5), 1.0);
  EXPECT_NEAR(c.factor(4, 5), 0.0, 1e-12);
  EXPECT_NEAR(c.factor(2, 5), 0.5, 1e-12);
  LrSchedule w;
  w.warmup_epochs = 1;
  EXPECT_DOUBLE_EQ(w.factor(0, 3), 0.5);
  EXPECT_DOUBLE_EQ(w.factor(1, 3), 1.0);
  LrSchedule bad;
  bad.kind = "zigzag";
  EXPECT_THROW(bad.factor(0, 3), Error);
}

}  // namespace
}  // namespace kairos
