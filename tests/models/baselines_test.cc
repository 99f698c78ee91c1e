// Baselines on tiny hand-made datasets with hand-checkable scores, the factory's errors,
// thread safety, and a planted-pattern shop where sequence-aware methods beat popularity.
#include <gtest/gtest.h>

#include <cmath>
#include <thread>

#include "core/error.h"
#include "core/rng.h"
#include "models/factory.h"

namespace kairos {
namespace {

// Training sessions given as item lists over items 1..n-1; one test session {1, 2}.
Dataset make(const std::vector<std::vector<uint32_t>>& train, uint32_t n) {
  DatasetParts p;
  p.item_names.push_back("");
  for (uint32_t i = 1; i < n; ++i) p.item_names.push_back(std::to_string(i));
  p.category_names = {""};
  p.item_category.assign(n, 0);
  int64_t t = 0;
  auto add = [&](const std::vector<uint32_t>& s) {
    for (uint32_t i : s) {
      p.items.push_back(i);
      p.types.push_back(0);
      p.ts.push_back(t += 1000);
    }
    p.offsets.push_back(p.items.size());
    p.users.push_back(0);
  };
  for (const auto& s : train) add(s);
  add({1, 2});
  p.num_train = train.size();
  p.num_test = 1;
  return Dataset::from_parts(std::move(p));
}

std::vector<float> scores_of(const SessionModel& m, const Dataset& d,
                             const std::vector<uint32_t>& items) {
  std::vector<float> s(d.num_items());
  m.score(SessionQuery{items, {}, {}, 0}, s);
  return s;
}

std::unique_ptr<SessionModel> fitted(const std::string& name, const Dataset& d,
                                     const nlohmann::json& hp = nlohmann::json::object()) {
  auto m = make_model(name, hp);
  m->fit(d, d.train_full());
  return m;
}

TEST(Baselines, MarkovScoresTheLastItemsSuccessorCounts) {
  const Dataset d = make({{1, 2}, {1, 2}, {1, 3}, {2, 1}}, 5);
  const auto m = fitted("markov", d);
  const auto s = scores_of(*m, d, {4, 1});
  EXPECT_TRUE(std::isinf(s[0]));
  EXPECT_FLOAT_EQ(s[2], 2.0f);
  EXPECT_FLOAT_EQ(s[3], 1.0f);
  EXPECT_FLOAT_EQ(s[4], 0.0f);
  // Pruned to the most frequent successor.
  const auto p = fitted("markov", d, {{"pruning", 1}});
  EXPECT_FLOAT_EQ(scores_of(*p, d, {1})[3], 0.0f);
}

TEST(Baselines, SequentialRulesWeighByDistance) {
  const Dataset d = make({{1, 2, 3}}, 4);
  const auto m = fitted("sr", d, {{"backfill", false}});
  const auto s = scores_of(*m, d, {1});
  EXPECT_FLOAT_EQ(s[2], 1.0f);  // distance 1: 1/1
  EXPECT_FLOAT_EQ(s[3], 0.5f);  // distance 2: 1/2
  EXPECT_FLOAT_EQ(scores_of(*m, d, {3})[1], 0.0f);
}

TEST(Baselines, SessionPopCountsTheSessionFirst) {
  const Dataset d = make({{3, 3, 3, 3}, {2}}, 4);
  const auto m = fitted("spop", d);
  const auto s = scores_of(*m, d, {2, 2, 1});
  EXPECT_GT(s[2], s[1]);
  EXPECT_GT(s[1], s[3]);  // once in the session beats the most popular training item
}

TEST(Baselines, SknnSumsNeighbourSimilarities) {
  // Query {1}: neighbours {1,2} (cos 1/sqrt(2)) and {1,3,4} (cos 1/sqrt(3)).
  const Dataset d = make({{1, 2}, {1, 3, 4}, {5, 6}}, 7);
  const auto m = fitted("sknn", d, {{"backfill", false}});
  const auto s = scores_of(*m, d, {1});
  EXPECT_NEAR(s[2], 1 / std::sqrt(2.0), 1e-6);
  EXPECT_NEAR(s[3], 1 / std::sqrt(3.0), 1e-6);
  EXPECT_NEAR(s[1], 1 / std::sqrt(2.0) + 1 / std::sqrt(3.0), 1e-6);  // remind: session items score
  EXPECT_FLOAT_EQ(s[5], 0.0f);
  // With back-fill, unscored items sit below every candidate, ordered by popularity.
  const auto b = fitted("sknn", d);
  const auto sb = scores_of(*b, d, {1});
  EXPECT_LT(sb[5], 0.0f);
  EXPECT_GT(sb[3], sb[5]);
}

TEST(Baselines, KnnNeighbourSamplingKeepsTheMostRecent) {
  // Both sessions contain item 1; with sample_size 1 only the later one ({1,3}) is a neighbour.
  const Dataset d = make({{1, 2}, {1, 3}}, 4);
  const auto m = fitted("sknn", d, {{"sample_size", 1}, {"backfill", false}});
  const auto s = scores_of(*m, d, {1});
  EXPECT_FLOAT_EQ(s[2], 0.0f);
  EXPECT_GT(s[3], 0.0f);
}

TEST(Baselines, FactoryRejectsUnknownNamesAndKeys) {
  EXPECT_THROW(make_model("gru5rec"), Error);
  EXPECT_THROW(make_model("vsknn", {{"kk", 5}}), Error);
  EXPECT_THROW(make_model("vsknn", {{"k", "many"}}), Error);
  EXPECT_THROW(make_model("vsknn", {{"weighting", "cubic"}}), Error);
  for (const auto& info : model_infos()) EXPECT_NO_THROW(make_model(info.name)) << info.name;
}

// A shop with a planted pattern: sessions walk a fixed chain i -> i+1 (mod 50) with some noise.
Dataset planted() {
  Rng rng(5);
  std::vector<std::vector<uint32_t>> train;
  for (int s = 0; s < 600; ++s) {
    std::vector<uint32_t> sess;
    uint32_t item = 1 + static_cast<uint32_t>(rng.below(50));
    for (int k = 0; k < 6; ++k) {
      sess.push_back(rng.bernoulli(0.15) ? 1 + static_cast<uint32_t>(rng.below(50)) : item);
      item = item % 50 + 1;
    }
    train.push_back(sess);
  }
  return make(train, 51);
}

double hr_at_10(const SessionModel& m, const Dataset& d) {
  int hits = 0, cases = 0;
  std::vector<float> s(d.num_items());
  for (uint32_t start = 1; start <= 50; ++start) {
    const std::vector<uint32_t> q = {start, start % 50 + 1};
    const uint32_t target = (start + 1) % 50 + 1;
    m.score(SessionQuery{q, {}, {}, 0}, s);
    int rank = 1;
    for (size_t i = 1; i < s.size(); ++i) rank += (i != target && s[i] >= s[target]);
    hits += rank <= 10;
    ++cases;
  }
  return static_cast<double>(hits) / cases;
}

TEST(Baselines, SequenceAwareMethodsBeatPopularityOnAPlantedPattern) {
  const Dataset d = planted();
  const double pop = hr_at_10(*fitted("pop", d), d);
  EXPECT_LT(pop, 0.4);
  for (const char* name : {"markov", "sr", "iknn", "sknn", "vsknn", "stan", "vstan"}) {
    EXPECT_GT(hr_at_10(*fitted(name, d), d), pop + 0.5) << name;
  }
}

TEST(Baselines, ScoringFromSeveralThreadsGivesIdenticalResults) {
  const Dataset d = planted();
  for (const char* name : {"vsknn", "vstan", "sr"}) {
    const auto m = fitted(name, d);
    const auto expected = scores_of(*m, d, {3, 4, 5});
    std::vector<std::vector<float>> got(4);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int r = 0; r < 50; ++r) got[t] = scores_of(*m, d, {3, 4, 5});
      });
    }
    for (auto& th : threads) th.join();
    for (const auto& g : got) EXPECT_EQ(g, expected) << name;
  }
}

}  // namespace
}  // namespace kairos
