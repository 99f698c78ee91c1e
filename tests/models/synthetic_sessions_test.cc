// Synthetic sessions: the copy index finds whole sessions and runs, the Markov generator only
// walks transitions it saw and its privacy knob leaves no copied run, the quality checks read 0
// for identical data and 1 for disjoint data, and `synthesize` writes a dataset whose test part is
// the real one.
#include <gtest/gtest.h>

#include <set>

#include "core/error.h"
#include "core/rng.h"
#include "data/test_util.h"
#include "eval/synthetic_quality.h"
#include "models/generative/copy_index.h"
#include "models/generative/markov_generator.h"
#include "pipeline/synthesize.h"

namespace kairos {
namespace {

// Sessions of random walks over 40 items (successor of a: a + 1..3, wrapping), lengths 2..8.
Dataset walks(size_t train, size_t valid, size_t test, uint64_t seed = 5) {
  Rng rng(seed);
  test::SessionsBuilder b(40);
  for (size_t s = 0; s < train + valid + test; ++s) {
    uint32_t item = 1 + static_cast<uint32_t>(rng.below(40));
    const size_t n = 2 + rng.below(7);
    for (size_t i = 0; i < n; ++i) {
      b.add(item);
      item = 1 + (item - 1 + 1 + static_cast<uint32_t>(rng.below(3))) % 40;
    }
    b.end_session();
  }
  return b.build(train, valid, test);
}

TEST(CopyIndex, FindsWholeSessionsAndRuns) {
  test::SessionsBuilder b(10);
  for (uint32_t i : {1, 2, 3, 4}) b.add(i);
  b.end_session();
  const Dataset d = b.build(1, 0, 0);
  const CopyIndex index(d.train(), 3);
  const std::vector<uint32_t> same = {1, 2, 3, 4}, run = {9, 2, 3, 4}, none = {1, 2, 4, 3},
                              prefix = {1, 2, 3};
  EXPECT_TRUE(index.is_copy(same));
  EXPECT_FALSE(index.is_copy(prefix));
  EXPECT_TRUE(index.copies_run(run));
  EXPECT_FALSE(index.copies_run(none));
  EXPECT_TRUE(index.ends_with_run(prefix));
  EXPECT_FALSE(index.ends_with_run(std::vector<uint32_t>{2, 3}));  // shorter than the run
  EXPECT_THROW(CopyIndex(d.train(), 1), Error);
}

TEST(MarkovGenerator, WalksOnlyTransitionsItSaw) {
  const Dataset d = walks(400, 0, 0);
  MarkovGenerator gen;
  gen.fit(d.train(), d.num_items());
  Rng rng(1);
  GenerateStats st;
  for (int i = 0; i < 500; ++i) {
    const auto s = gen.generate_one(rng, nullptr, &st);
    ASSERT_FALSE(s.empty());
    for (size_t j = 1; j < s.size(); ++j) {
      const uint32_t step = (s[j] + 40 - s[j - 1]) % 40;
      EXPECT_TRUE(step >= 1 && step <= 3) << s[j - 1] << " -> " << s[j];
    }
  }
  EXPECT_EQ(st.sessions, 500u);
  EXPECT_EQ(st.redrawn, 0u);
}

TEST(MarkovGenerator, ThePrivacyKnobLeavesNoCopiedRun) {
  const Dataset d = walks(400, 0, 0);
  MarkovGenerator gen;
  gen.fit(d.train(), d.num_items());
  const CopyIndex guard(d.train(), 4);
  Rng rng(2), rng_free(2);
  GenerateStats st, st_free;
  size_t copied = 0, copied_free = 0;
  for (int i = 0; i < 2000; ++i) {
    copied += guard.copies_run(gen.generate_one(rng, &guard, &st));
    copied_free += guard.copies_run(gen.generate_one(rng_free, nullptr, &st_free));
  }
  EXPECT_EQ(copied, 0u);
  EXPECT_GT(copied_free, 100u);  // without the knob the walks do repeat training runs
  EXPECT_GT(st.redrawn, 0u);
}

TEST(SyntheticQuality, IdenticalDataScoresZeroAndCopiesEverything) {
  const Dataset d = walks(300, 0, 0);
  std::vector<std::vector<uint32_t>> same;
  for (size_t s = 0; s < d.train().size(); ++s) {
    const auto items = d.train()[s].items;
    same.emplace_back(items.begin(), items.end());
  }
  const std::vector<size_t> runs = {3};
  const SyntheticQuality q = measure_synthetic(d.train(), same, d.num_items(), runs);
  EXPECT_NEAR(q.length_tv, 0.0, 1e-12);
  EXPECT_NEAR(q.item_js, 0.0, 1e-12);
  EXPECT_NEAR(q.transition_js, 0.0, 1e-12);
  EXPECT_DOUBLE_EQ(q.known_transitions, 1.0);
  EXPECT_DOUBLE_EQ(q.exact_copies, 1.0);
  EXPECT_DOUBLE_EQ(q.real_mean_length, q.synthetic_mean_length);
  ASSERT_EQ(q.run_copies.size(), 1u);
  EXPECT_GT(q.run_copies[0].second, 0.5);  // every session of length >= 3

  // Disjoint items: maximal divergence, nothing copied.
  std::vector<std::vector<uint32_t>> other(50, std::vector<uint32_t>{41, 41});
  test::SessionsBuilder b(45);
  for (size_t s = 0; s < 10; ++s) {
    for (uint32_t i : {1, 2, 3}) b.add(i);
    b.end_session();
  }
  const Dataset small = b.build(10, 0, 0);
  const SyntheticQuality far = measure_synthetic(small.train(), other, small.num_items(), runs);
  EXPECT_NEAR(far.item_js, 1.0, 1e-12);
  EXPECT_DOUBLE_EQ(far.known_transitions, 0.0);
  EXPECT_DOUBLE_EQ(far.exact_copies, 0.0);
  EXPECT_GT(far.length_tv, 0.99);
}

TEST(Synthesize, WritesSyntheticTrainingAndTheRealTestPart) {
  test::TempDir tmp;
  const Dataset d = walks(300, 30, 40);
  d.save(tmp.file("real"));
  SynthesizeRequest r;
  r.data = tmp.file("real");
  r.output = tmp.file("synthetic");
  r.sessions_file = tmp.file("sessions.txt");
  r.max_copy_run = 3;
  r.check_runs = {3, 5};
  const SynthesizeReport rep = synthesize(r);
  const Dataset s = Dataset::load(tmp.file("synthetic"));
  EXPECT_EQ(s.train_full().size(), d.train_full().size());
  EXPECT_EQ(s.valid().size(), d.valid().size());
  ASSERT_EQ(s.test().size(), d.test().size());
  for (size_t i = 0; i < d.test().size(); ++i) {
    const auto a = d.test()[i].items, b = s.test()[i].items;
    EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin(), b.end())) << i;
  }
  EXPECT_EQ(s.items().names(), d.items().names());
  EXPECT_EQ(rep.quality.run_copies.at(0).first, 3u);
  EXPECT_EQ(rep.quality.run_copies.at(0).second, 0.0);  // the knob bounds it
  EXPECT_LT(rep.quality.item_js, 0.05);
  r.generator = "gan";
  EXPECT_THROW(synthesize(r), Error);
}

}  // namespace
}  // namespace kairos
