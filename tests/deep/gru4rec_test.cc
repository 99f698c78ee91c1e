// GRU4Rec mechanics: incremental steps equal whole-prefix scoring, session states survive a
// save/load round trip, training is deterministic for a seed, bad hyperparameters are refused.
#include <gtest/gtest.h>

#include "core/error.h"
#include "deep_fixtures.h"
#include "eval/evaluator.h"

namespace kairos {
namespace {

using testing::scores_of;

class Gru4RecMechanics : public ::testing::TestWithParam<std::string> {};

TEST_P(Gru4RecMechanics, IncrementalStepsEqualFullPrefixScoring) {
  const Dataset d = testing::planted_dataset(300, 20, 20);
  auto hp = testing::tiny_gru4rec({{"n_epochs", 2}, {"cell", GetParam()}, {"layers", {16, 12}}});
  auto m = make_model("gru4rec", hp);
  m->fit(d, d.train_full());
  const std::vector<uint32_t> session = {3, 14, 27, 5, 0, 12};  // 0 = unknown item, skipped
  auto state = m->start();
  std::vector<float> incremental(d.num_items());
  for (size_t i = 0; i < session.size(); ++i) {
    m->observe(*state, session[i], 0, 1000 * static_cast<int64_t>(i));
    m->score(*state, incremental);
    const auto full = scores_of(*m, d.num_items(), {session.begin(), session.begin() + i + 1});
    for (uint32_t j = 1; j < d.num_items(); ++j)
      ASSERT_NEAR(incremental[j], full[j], 1e-5) << i << " " << j;
  }
  // A cloned state scores the same and evolves independently.
  auto copy = m->clone_state(*state);
  std::vector<float> cloned(d.num_items());
  m->score(*copy, cloned);
  EXPECT_EQ(cloned, incremental);
  m->observe(*copy, 7, 0, 99000);
  std::vector<float> original(d.num_items());
  m->score(*state, original);
  EXPECT_EQ(original, incremental);
  // A stored state (e.g. in Redis) scores the same after loading.
  auto loaded = m->load_state(m->save_state(*state));
  std::vector<float> again(d.num_items());
  m->score(*loaded, again);
  for (uint32_t j = 1; j < d.num_items(); ++j) EXPECT_NEAR(again[j], incremental[j], 1e-5);
}

INSTANTIATE_TEST_SUITE_P(Cells, Gru4RecMechanics, ::testing::Values("gru", "lstm"));

// The same model seen by the evaluator as one without incremental state: every prefix re-encoded
// and scored alone (the evaluation path before batching).
class PrefixByPrefix final : public SessionModel {
 public:
  explicit PrefixByPrefix(const SessionModel& m) : m_(m) {}
  std::string name() const override { return m_.name(); }
  void fit(const Dataset&, const SessionSet&) override {}
  void score(const SessionQuery& q, std::span<float> scores) const override { m_.score(q, scores); }

 private:
  const SessionModel& m_;
};

TEST(Gru4Rec, BatchedScoringEqualsOneStateAtATime) {
  const Dataset d = testing::planted_dataset(300, 20, 20);
  auto m = make_model("gru4rec", testing::tiny_gru4rec({{"n_epochs", 2}}));
  m->fit(d, d.train_full());
  ASSERT_TRUE(m->incremental());
  std::vector<std::unique_ptr<SessionState>> states;
  std::vector<const SessionState*> ptrs;
  for (uint32_t first : {3u, 14u, 27u}) {
    states.push_back(m->start());
    for (uint32_t item = first; item < first + 3; ++item) m->observe(*states.back(), item, 0, 0);
    ptrs.push_back(states.back().get());
  }
  std::vector<float> batch(ptrs.size() * d.num_items());
  m->score_batch(ptrs, batch);
  std::vector<float> one(d.num_items());
  for (size_t b = 0; b < ptrs.size(); ++b) {
    m->score(*ptrs[b], one);
    EXPECT_EQ(batch[b * d.num_items()], one[0]);  // padding: -inf
    for (uint32_t j = 1; j < d.num_items(); ++j) {
      ASSERT_NEAR(batch[b * d.num_items() + j], one[j], 1e-5) << b << " " << j;
    }
  }
  EXPECT_THROW(m->score_batch(ptrs, std::span<float>(batch).first(d.num_items())), Error);
}

// The evaluator walks sessions once and scores states in batches for incremental models; the
// metrics must be those of scoring every prefix from scratch, for 1 and 2 threads.
TEST(Gru4Rec, IncrementalEvaluationEqualsPrefixByPrefix) {
  const Dataset d = testing::planted_dataset(300, 20, 400);
  auto m = make_model("gru4rec", testing::tiny_gru4rec({{"n_epochs", 3}}));
  m->fit(d, d.train_full());
  const PrefixByPrefix slow(*m);
  ASSERT_FALSE(slow.incremental());
  for (int threads : {1, 2}) {
    eval::EvalOptions o;
    o.threads = threads;
    o.progress = false;
    o.bootstrap = 0;
    const eval::EvalResult fast_r = eval::evaluate(*m, d, o);
    const eval::EvalResult slow_r = eval::evaluate(slow, d, o);
    ASSERT_EQ(fast_r.cases, slow_r.cases);
    EXPECT_EQ(fast_r.cases, 800u);
    for (const auto& [name, v] : slow_r.metrics) {
      EXPECT_NEAR(fast_r.metrics.at(name), v, 1e-9) << name << " threads " << threads;
    }
    EXPECT_GT(fast_r.metrics.at("HR@5"), 0.3);  // the model learned something: not all-equal
  }
}

TEST(Gru4Rec, EmptySessionScoresAreFiniteAndPaddingIsExcluded) {
  const Dataset d = testing::planted_dataset(100, 10, 10);
  auto m = make_model("gru4rec", testing::tiny_gru4rec({{"n_epochs", 1}}));
  m->fit(d, d.train_full());
  const auto s = scores_of(*m, d.num_items(), {});
  EXPECT_TRUE(std::isinf(s[0]) && s[0] < 0);
  for (uint32_t j = 1; j < d.num_items(); ++j) EXPECT_TRUE(std::isfinite(s[j]));
}

TEST(Gru4Rec, SameSeedSameModel) {
  const Dataset d = testing::planted_dataset(200, 10, 10);
  const auto hp =
      testing::tiny_gru4rec({{"n_epochs", 2}, {"dropout_p_hidden", 0.2}, {"n_sample", 8}});
  auto a = make_model("gru4rec", hp), b = make_model("gru4rec", hp);
  a->fit(d, d.train_full());
  b->fit(d, d.train_full());
  EXPECT_EQ(scores_of(*a, d.num_items(), {1, 12}), scores_of(*b, d.num_items(), {1, 12}));
}

// Trains `hp` with autograd through the whole step (fused_loss false) and with the hand-written
// step on each thread count; both must give the same scores and losses.
void expect_hand_written_equals_autograd(const Dataset& d, nlohmann::json hp,
                                         std::initializer_list<int> threads_list) {
  hp["fused_loss"] = false;
  auto reference = make_model("gru4rec", hp);
  reference->fit(d, d.train_full());
  const auto b = scores_of(*reference, d.num_items(), {2, 13});
  for (const int threads : threads_list) {
    hp["fused_loss"] = true;
    auto fused = make_model("gru4rec", hp);
    RunOptions run;
    run.threads = threads;
    fused->set_run_options(run);
    fused->fit(d, d.train_full());
    const auto a = scores_of(*fused, d.num_items(), {2, 13});
    for (uint32_t j = 1; j < d.num_items(); ++j)
      ASSERT_NEAR(a[j], b[j], 1e-3) << hp.dump() << " threads " << threads << " item " << j;
    EXPECT_NEAR(fused->training_report()["epochs"][1]["loss"].get<double>(),
                reference->training_report()["epochs"][1]["loss"].get<double>(), 1e-4)
        << hp.dump() << " threads " << threads;
  }
}

// The hand-written cross-entropy step, run as 1 part or split over threads (3: uneven parts of
// the lanes and of the sampled columns), trains the same model as autograd.
TEST(Gru4Rec, FusedCrossEntropyStepEqualsAutograd) {
  const Dataset d = testing::planted_dataset(200, 10, 10);
  for (const bool constrained : {true, false}) {
    expect_hand_written_equals_autograd(
        d,
        testing::tiny_gru4rec({{"n_epochs", 2},
                               {"n_sample", 8},
                               {"logq", 1.0},
                               {"constrained_embedding", constrained},
                               {"embedding", 8}}),
        {1, 3});
  }
}

// The GRU layers' hand-written backward (models/deep/gru_layer_step.h, the cross-entropy path
// for GRU cells) trains the same model as autograd through the layers, with dropout on the input
// and the hidden state (the same draws), for each kind of input and two stacked layers, on one
// thread and split over two.
TEST(Gru4Rec, HandWrittenGruStepEqualsAutograd) {
  const Dataset d = testing::planted_dataset(200, 10, 10);
  const std::vector<nlohmann::json> inputs = {
      {{"constrained_embedding", true}},
      {{"constrained_embedding", false}, {"embedding", 8}},
      {{"constrained_embedding", false}, {"embedding", 0}},  // one-hot input
  };
  for (const auto& input : inputs) {
    auto hp = testing::tiny_gru4rec({{"n_epochs", 2},
                                     {"n_sample", 8},
                                     {"logq", 1.0},
                                     {"layers", {16, 12}},
                                     {"dropout_p_embed", 0.25},
                                     {"dropout_p_hidden", 0.2}});
    hp.update(input);
    expect_hand_written_equals_autograd(d, hp, {1, 2});
  }
}

TEST(Gru4Rec, RefusesBadHyperparameters) {
  for (const nlohmann::json& hp :
       {nlohmann::json{{"cell", "rnn"}}, nlohmann::json{{"loss", "top1"}},
        nlohmann::json{{"layers", nlohmann::json::array()}},
        nlohmann::json{{"dropout_p_embed", 1.0}}, nlohmann::json{{"n_sampel", 3}},
        nlohmann::json{{"lr_schedule", "weird"}}}) {
    try {
      make_model("gru4rec", hp);
      ADD_FAILURE() << hp.dump();
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kUsage) << hp.dump();
    }
  }
}

TEST(Gru4Rec, TrainingReportHasEveryEpoch) {
  const Dataset d = testing::planted_dataset(200, 20, 10);
  auto m = make_model("gru4rec", testing::tiny_gru4rec({{"n_epochs", 3}, {"patience", 5}}));
  m->fit(d, d.train_full());
  const auto r = m->training_report();
  ASSERT_EQ(r["epochs"].size(), 3u);
  EXPECT_GE(r["best_epoch"].get<int>(), 1);
  EXPECT_GT(r["epochs"][0]["events_per_s"].get<double>(), 0);
  EXPECT_GE(r["epochs"][2]["valid_MRR@20"].get<double>(), 0);
}

}  // namespace
}  // namespace kairos
