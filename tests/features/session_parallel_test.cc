// Session-parallel mini-batches: every (input, target) pair of every session appears once, in
// order within its lane, with a reset flag exactly where a lane starts a new session.
#include <gtest/gtest.h>

#include <map>

#include "features/negative_sampler.h"
#include "features/session_parallel.h"

namespace kairos {
namespace {

Dataset sessions_of(const std::vector<std::vector<uint32_t>>& sessions) {
  DatasetParts p;
  uint32_t max_item = 0;
  for (const auto& s : sessions) {
    for (uint32_t i : s) {
      p.items.push_back(i);
      p.types.push_back(0);
      p.ts.push_back(static_cast<int64_t>(p.items.size()) * 1000);
      max_item = std::max(max_item, i);
    }
    p.offsets.push_back(p.items.size());
    p.users.push_back(0);
  }
  p.item_names.push_back("");
  for (uint32_t i = 1; i <= max_item; ++i) p.item_names.push_back(std::to_string(i));
  p.category_names = {""};
  p.item_category.assign(max_item + 1, 0);
  p.num_train = sessions.size();
  return Dataset::from_parts(std::move(p));
}

TEST(SessionParallel, LanesWalkSessionsAndResetAtBoundaries) {
  // Session items encode (session, position) as 10*s + pos + 1.
  const Dataset d =
      sessions_of({{1, 2, 3}, {11, 12}, {21}, {31, 32, 33, 34}, {41, 42}, {51, 52, 53}});
  const SessionSet train = d.train();
  SessionParallelBatches b(train, {0, 1, 2, 3, 4, 5}, 2);
  std::vector<std::vector<std::pair<int64_t, int64_t>>> lanes(2);
  std::vector<std::vector<int>> resets(2);
  int steps = 0;
  while (b.next()) {
    ASSERT_EQ(b.lanes(), 2);
    for (int l = 0; l < 2; ++l) {
      lanes[l].emplace_back(b.input()[l], b.target()[l]);
      resets[l].push_back(b.reset()[l]);
    }
    ++steps;
  }
  // Lane 1 frees first (session 1 has one pair), skips the one-event session 2 and takes 3;
  // lane 0 then takes 4 and 5.
  using P = std::vector<std::pair<int64_t, int64_t>>;
  EXPECT_EQ(lanes[1], (P{{11, 12}, {31, 32}, {32, 33}, {33, 34}}));
  EXPECT_EQ(resets[1], (std::vector<int>{1, 1, 0, 0}));
  EXPECT_EQ(lanes[0], (P{{1, 2}, {2, 3}, {41, 42}, {51, 52}}));
  EXPECT_EQ(resets[0], (std::vector<int>{1, 0, 1, 1}));
  // The epoch ends when lane 0 needs a session after 5 and none is left (official behaviour).
  EXPECT_EQ(steps, 4);
}

TEST(SessionParallel, FewerSessionsThanLanesShrinksTheBatch) {
  const Dataset d = sessions_of({{1, 2, 3}, {4, 5}});
  const SessionSet train = d.train();
  SessionParallelBatches b(train, {0, 1}, 8);
  ASSERT_TRUE(b.next());
  EXPECT_EQ(b.lanes(), 2);
}

TEST(NegativeSampler, DrawsFollowCountToTheAlpha) {
  const std::vector<uint64_t> counts = {0, 100, 0, 25, 1};
  NegativeSampler s(counts, 0.5);  // weights 10, 0, 5, 1 -> probabilities 10/16, 5/16, 1/16
  Rng rng(5);
  std::vector<int64_t> draws(160000);
  s.sample(rng, draws);
  std::map<int64_t, int> n;
  for (int64_t d : draws) ++n[d];
  EXPECT_EQ(n.count(0), 0u);
  EXPECT_EQ(n.count(2), 0u);
  EXPECT_NEAR(n[1] / 160000.0, 10.0 / 16, 0.005);
  EXPECT_NEAR(n[3] / 160000.0, 5.0 / 16, 0.005);
  EXPECT_NEAR(n[4] / 160000.0, 1.0 / 16, 0.003);
  EXPECT_DOUBLE_EQ(s.weight(3), 5.0);
}

}  // namespace
}  // namespace kairos
