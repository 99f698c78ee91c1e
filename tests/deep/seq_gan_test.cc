// The sequence GAN of sessions: after maximum likelihood and a few adversarial steps on random
// walks (each item's successors are the next three items), it walks transitions the data has,
// its privacy knob leaves no copied run, a saved generator generates the same sessions when
// loaded, and `kairos synth --from-model` refuses another dataset's generator.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/error.h"
#include "core/rng.h"
#include "data/test_util.h"
#include "eval/synthetic_quality.h"
#include "models/factory.h"
#include "pipeline/synthesize.h"

namespace kairos {
namespace {

Dataset walks(size_t train, size_t valid, size_t test, uint64_t seed = 5, uint32_t items = 30) {
  Rng rng(seed);
  test::SessionsBuilder b(items);
  for (size_t s = 0; s < train + valid + test; ++s) {
    uint32_t item = 1 + static_cast<uint32_t>(rng.below(items));
    const size_t n = 2 + rng.below(5);
    for (size_t i = 0; i < n; ++i) {
      b.add(item);
      item = 1 + (item - 1 + 1 + static_cast<uint32_t>(rng.below(3))) % items;
    }
    b.end_session();
  }
  return b.build(train, valid, test);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

nlohmann::json tiny() {
  return {{"embedding", 16},  {"hidden", 32},   {"d_hidden", 16},  {"max_len", 10},
          {"batch_size", 32}, {"n_sample", 16}, {"mle_epochs", 8}, {"learning_rate", 0.01},
          {"gan_steps", 10},  {"gan_batch", 16}};
}

TEST(SeqGan, LearnsTheWalksAndHonoursTheCopyKnob) {
  const Dataset d = walks(600, 0, 0);
  auto gen = make_generator("seqgan", tiny());
  gen->fit(d.train(), d.num_items());
  Rng rng(3);
  GenerateStats st;
  const auto free = gen->generate(400, rng, nullptr, &st);
  ASSERT_EQ(free.size(), 400u);
  EXPECT_EQ(st.sessions, 400u);
  for (const auto& s : free) ASSERT_FALSE(s.empty());
  const std::vector<size_t> runs = {4};
  const SyntheticQuality q = measure_synthetic(d.train(), free, d.num_items(), runs);
  EXPECT_GT(q.known_transitions, 0.8);  // 3 of 29 successors are real: chance is ~0.1
  EXPECT_NEAR(q.synthetic_mean_length, q.real_mean_length, 1.5);

  const CopyIndex guard(d.train(), 4);
  GenerateStats guarded;
  size_t copied = 0;
  for (const auto& s : gen->generate(400, rng, &guard, &guarded)) copied += guard.copies_run(s);
  EXPECT_EQ(copied, 0u);
  EXPECT_GT(guarded.redrawn, 0u);
  ASSERT_TRUE(gen->training_report().contains("gan"));
}

// The end of a session is one class against a catalogue sampled 16 items at a time: without the
// sampled softmax's logQ correction the full softmax of generation under-weights it ~20-fold
// (300 items) and sessions run to max_len.
TEST(SeqGan, SessionLengthsSurviveTheSampledSoftmax) {
  const Dataset d = walks(800, 0, 0, 9, 300);
  nlohmann::json h = tiny();
  h["gan_steps"] = 0;
  auto gen = make_generator("seqgan", h);
  gen->fit(d.train(), d.num_items());
  Rng rng(4);
  GenerateStats st;
  const auto sessions = gen->generate(400, rng, nullptr, &st);
  const std::vector<size_t> runs = {4};
  const SyntheticQuality q = measure_synthetic(d.train(), sessions, d.num_items(), runs);
  EXPECT_NEAR(q.synthetic_mean_length, q.real_mean_length, 1.5);
}

TEST(SeqGan, ASavedGeneratorGeneratesTheSameSessions) {
  test::TempDir tmp;
  const Dataset d = walks(300, 20, 30);
  d.save(tmp.file("real"));
  SynthesizeRequest r;
  r.data = tmp.file("real");
  r.generator = "seqgan";
  r.hparams = tiny();
  r.hparams["gan_steps"] = 2;
  r.save_model = tmp.file("gan");
  r.output = tmp.file("a");
  r.sessions_file = tmp.file("a.txt");
  synthesize(r);
  SynthesizeRequest again;
  again.data = tmp.file("real");
  again.from_model = tmp.file("gan");
  again.output = tmp.file("b");
  again.sessions_file = tmp.file("b.txt");
  const SynthesizeReport rep = synthesize(again);
  EXPECT_EQ(rep.generator, "seqgan");
  EXPECT_TRUE(rep.training.is_null());  // loaded, not trained
  EXPECT_EQ(read_file(tmp.file("a.txt")), read_file(tmp.file("b.txt")));

  // Another dataset: refused with the reason.
  walks(300, 20, 30, 9).save(tmp.file("other"));
  again.data = tmp.file("other");
  try {
    synthesize(again);
    ADD_FAILURE() << "accepted another dataset's generator";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("fitted on dataset"), std::string::npos) << e.what();
  }
}

TEST(SeqGan, RejectsBadHyperparameters) {
  EXPECT_THROW(make_generator("seqgan", {{"max_len", 1}}), Error);
  EXPECT_THROW(make_generator("seqgan", {{"mle_epochs", 0}, {"gan_steps", 0}}), Error);
  EXPECT_THROW(make_generator("seqgan", {{"no_such_key", 1}}), Error);
  EXPECT_THROW(make_generator("markov", {{"k", 1}}), Error);
  EXPECT_THROW(make_generator("vae"), Error);
}

}  // namespace
}  // namespace kairos
