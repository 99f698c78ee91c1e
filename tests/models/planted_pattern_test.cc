// A synthetic shop with a planted pattern, where every sequence-aware baseline must beat
// popularity clearly, and thread-safety of scoring.
#include <gtest/gtest.h>

#include <thread>

#include "core/rng.h"
#include "models/fixtures.h"

namespace kairos {
namespace {

using testing::fitted;
using testing::make_dataset;

constexpr uint32_t kChain = 50;

uint32_t next_in_chain(uint32_t item) { return item % kChain + 1; }

// Sessions walk a fixed chain i -> i+1 (mod 50) from a random start; 15% of the events are
// replaced by a random item, and a few "hit" items (1-5) are sprinkled in for popularity.
Dataset planted() {
  Rng rng(5);
  std::vector<std::vector<uint32_t>> train;
  for (int s = 0; s < 600; ++s) {
    std::vector<uint32_t> sess;
    uint32_t item = 1 + static_cast<uint32_t>(rng.below(kChain));
    for (int k = 0; k < 6; ++k) {
      sess.push_back(rng.bernoulli(0.15) ? 1 + static_cast<uint32_t>(rng.below(kChain)) : item);
      if (rng.bernoulli(0.3)) sess.push_back(1 + static_cast<uint32_t>(rng.below(5)));
      item = next_in_chain(item);
    }
    train.push_back(sess);
  }
  return make_dataset(train, kChain + 1);
}

// HR@10 over the queries {a, a+1} -> a+2, with conservative ties.
double hr_at_10(const SessionModel& m, const Dataset& d) {
  int hits = 0, cases = 0;
  std::vector<float> s(d.num_items());
  for (uint32_t a = 1; a <= kChain; ++a) {
    const std::vector<uint32_t> q = {a, next_in_chain(a)};
    const uint32_t target = next_in_chain(q[1]);
    m.score(SessionQuery{q, {}, {}, 0}, s);
    int rank = 1;
    for (size_t i = 1; i < s.size(); ++i) rank += (i != target && s[i] >= s[target]);
    hits += rank <= 10;
    ++cases;
  }
  return static_cast<double>(hits) / cases;
}

TEST(PlantedPattern, SequenceAwareBaselinesBeatPopularity) {
  const Dataset d = planted();
  const double pop = hr_at_10(*fitted("pop", d), d);
  EXPECT_LT(pop, 0.4);
  for (const char* name : {"markov", "sr", "iknn", "sknn", "vsknn", "stan", "vstan"}) {
    const double hr = hr_at_10(*fitted(name, d), d);
    EXPECT_GT(hr, pop + 0.5) << name;
    EXPECT_GE(hr, 0.9) << name;
  }
}

TEST(ThreadSafety, TwoThreadsScoreExactlyAsOne) {
  const Dataset d = planted();
  std::vector<std::vector<uint32_t>> queries;
  for (uint32_t a = 1; a <= kChain; ++a) queries.push_back({a, next_in_chain(a), 3});
  for (const char* name :
       {"pop", "spop", "markov", "sr", "iknn", "sknn", "vsknn", "stan", "vstan"}) {
    const auto m = fitted(name, d);
    std::vector<std::vector<float>> expected;
    for (const auto& q : queries) expected.push_back(testing::scores_of(*m, d, q));
    std::vector<int> mismatches(2, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t) {
      threads.emplace_back([&, t] {
        for (int round = 0; round < 20; ++round) {
          for (size_t i = 0; i < queries.size(); ++i) {
            const size_t qi = t == 0 ? i : queries.size() - 1 - i;  // different interleavings
            mismatches[t] += testing::scores_of(*m, d, queries[qi]) != expected[qi];
          }
        }
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(mismatches[0] + mismatches[1], 0) << name;
  }
}

}  // namespace
}  // namespace kairos
