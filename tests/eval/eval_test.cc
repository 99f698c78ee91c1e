// Metric golden values (hand-computed, ties included), protocol case lists on a tiny dataset,
// and the evaluator end to end with a fixed test model.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "eval/bootstrap.h"
#include "eval/evaluator.h"
#include "eval/protocol.h"
#include "eval/ranking/metrics.h"
#include "eval/ranking/rank.h"
#include "eval/report.h"

namespace kairos::eval {
namespace {

TEST(Rank, TieModesOnAHandMadeVector) {
  // index:                 0     1    2    3    4    5
  const std::vector<float> s = {-INFINITY, 0.5f, 0.9f, 0.5f, 0.5f, 0.1f};
  // Target 1 (0.5): one item above (2), two others equal (3, 4).
  EXPECT_DOUBLE_EQ(rank_of(s, 1, TieMode::kConservative), 4.0);
  EXPECT_DOUBLE_EQ(rank_of(s, 1, TieMode::kStandard), 2.0);
  EXPECT_DOUBLE_EQ(rank_of(s, 1, TieMode::kMedian), 3.0);
  EXPECT_DOUBLE_EQ(rank_of(s, 2, TieMode::kConservative), 1.0);
  EXPECT_DOUBLE_EQ(rank_of(s, 5, TieMode::kConservative), 5.0);
  // Excluding items 2 and 3 (and a duplicate, and the target itself) removes them.
  const std::vector<uint32_t> ex = {2, 3, 3, 1};
  EXPECT_DOUBLE_EQ(rank_of(s, 1, TieMode::kConservative, ex), 2.0);
  EXPECT_DOUBLE_EQ(rank_among(0.5f, std::vector<float>{0.9f, 0.5f, 0.1f}, TieMode::kMedian), 2.5);
  EXPECT_THROW(parse_tie_mode("random"), Error);
}

TEST(Metrics, SingleTargetGoldenValues) {
  const CaseMetrics m = case_metrics({3.0}, 5);
  EXPECT_DOUBLE_EQ(m.hr, 1.0);
  EXPECT_DOUBLE_EQ(m.recall, 1.0);
  EXPECT_DOUBLE_EQ(m.mrr, 1.0 / 3);
  EXPECT_DOUBLE_EQ(m.ndcg, 1.0 / std::log2(4.0));  // 0.5
  EXPECT_DOUBLE_EQ(m.precision, 0.2);
  EXPECT_DOUBLE_EQ(m.map, 1.0 / 3);
  const CaseMetrics miss = case_metrics({6.0}, 5);
  EXPECT_EQ(miss.hr, 0.0);
  EXPECT_EQ(miss.mrr, 0.0);
  EXPECT_EQ(miss.ndcg, 0.0);
  // A median-tie rank of 2.5: MRR 0.4, NDCG 1/log2(3.5).
  const CaseMetrics half = case_metrics({2.5}, 5);
  EXPECT_DOUBLE_EQ(half.mrr, 0.4);
  EXPECT_DOUBLE_EQ(half.ndcg, 1.0 / std::log2(3.5));
}

TEST(Metrics, MultiTargetGoldenValues) {
  // Targets at ranks 1, 3 and 8 with K = 5: hits 1 and 3.
  const CaseMetrics m = case_metrics({8.0, 1.0, 3.0}, 5);
  EXPECT_DOUBLE_EQ(m.hr, 1.0);
  EXPECT_DOUBLE_EQ(m.recall, 2.0 / 3);
  EXPECT_DOUBLE_EQ(m.precision, 2.0 / 5);
  EXPECT_DOUBLE_EQ(m.mrr, 1.0);
  // AP@5 = (1/1 + 2/3) / min(5, 3)
  EXPECT_DOUBLE_EQ(m.map, (1.0 + 2.0 / 3) / 3);
  const double dcg = 1.0 + 1.0 / std::log2(4.0);
  const double idcg = 1.0 + 1.0 / std::log2(3.0) + 1.0 / std::log2(4.0);
  EXPECT_DOUBLE_EQ(m.ndcg, dcg / idcg);
}

TEST(Metrics, CoverageAndPopularity) {
  Coverage a(5), b(5);
  a.add(std::vector<uint32_t>{1, 2});
  b.add(std::vector<uint32_t>{2, 3});
  a.merge(b);
  EXPECT_DOUBLE_EQ(a.value(), 3.0 / 4);
  const std::vector<double> pop = {0, 1.0, 0.5, 0.25, 0};
  EXPECT_DOUBLE_EQ(list_popularity(std::vector<uint32_t>{1, 3}, pop), 0.625);
}

// Sessions: train {1,2,3} {2,3,4}; test {1,2,3,4} {4,1} {2} (the last is too short to count).
Dataset tiny(SplitKind split = SplitKind::kTemporal, bool typed = false) {
  DatasetParts p;
  p.split = split;
  p.item_names = {"", "a", "b", "c", "d"};
  p.category_names = {""};
  p.item_category = {0, 0, 0, 0, 0};
  p.offsets = {0, 3, 6, 10, 12, 13};
  p.users = {1, 2, 1, 2, 3};
  p.items = {1, 2, 3, 2, 3, 4, 1, 2, 3, 4, 4, 1, 2};
  p.types.assign(13, 0);
  if (typed) {
    p.types[8] = 1;   // a cart: the third event of the first test session
    p.types[11] = 3;  // a buy: the second event of the second
  }
  for (int i = 0; i < 13; ++i) p.ts.push_back(1000 * i);
  p.num_train = 2;
  p.num_valid = 0;
  p.num_test = 3;
  p.num_users = 3;
  if (split == SplitKind::kLeaveOneOut) p.num_train = p.num_valid = p.num_test = 5;
  return Dataset::from_parts(std::move(p));
}

TEST(Protocol, CaseListsOfEveryProtocol) {
  const Dataset d = tiny();
  const auto next = make_cases(d.test(), Protocol::kNextItem, 1);
  ASSERT_EQ(next.size(), 4u);  // 3 prefixes of the first session, 1 of the second
  EXPECT_EQ(next[2].prefix, 3u);
  EXPECT_EQ(make_cases(d.test(), Protocol::kNextItem, 2).size(), 2u);
  const auto last = make_cases(d.test(), Protocol::kLastItem, 1);
  ASSERT_EQ(last.size(), 2u);
  EXPECT_EQ(last[0].prefix, 3u);
  std::vector<uint32_t> targets;
  case_targets(d.test()[0], {0, 1}, Protocol::kRestOfSession, &targets);
  EXPECT_EQ(targets, (std::vector<uint32_t>{2, 3, 4}));
  EXPECT_EQ(make_cases(d.test(), Protocol::kNextItem, 1, 2).size(), 2u);
  EXPECT_EQ(default_protocol(d), Protocol::kNextItem);
  EXPECT_EQ(default_protocol(tiny(SplitKind::kLeaveOneOut)), Protocol::kLeaveOneOut);
}

TEST(Protocol, TargetTypesKeepTheCasesWhoseNextEventHasThem) {
  const Dataset d = tiny(SplitKind::kTemporal, true);
  const uint8_t cart_or_buy = (1u << 1) | (1u << 3);
  const auto cases = make_cases(d.test(), Protocol::kNextItem, 1, 0, cart_or_buy);
  ASSERT_EQ(cases.size(), 2u);
  EXPECT_EQ(cases[0].session, 0u);
  EXPECT_EQ(cases[0].prefix, 2u);  // target: the cart
  EXPECT_EQ(cases[1].session, 1u);
  EXPECT_EQ(cases[1].prefix, 1u);  // target: the buy
  EXPECT_EQ(make_cases(d.test(), Protocol::kNextItem, 1, 0, 1u << 2).size(), 0u);  // no fav
  EXPECT_THROW(make_cases(d.test(), Protocol::kLastItem, 1, 0, cart_or_buy), Error);
}

// Scores item i as i (higher ids first), except it puts item 1 on top.
class FixedModel final : public SessionModel {
 public:
  std::string name() const override { return "fixed"; }
  void fit(const Dataset&, const SessionSet&) override {}
  void score(const SessionQuery&, std::span<float> scores) const override {
    reset_scores(scores);
    for (size_t i = 1; i < scores.size(); ++i) scores[i] = static_cast<float>(i);
    scores[1] = 100;
  }
};

TEST(Evaluator, NextItemEndToEndWithKnownRanks) {
  const Dataset d = tiny();
  FixedModel m;
  EvalOptions o;
  o.cutoffs = {1, 2};
  o.progress = false;
  const EvalResult r = evaluate(m, d, o);
  // Ranking: 1, 4, 3, 2. Cases (targets): 2, 3, 4 from session 0; 1 from session 1.
  // Ranks: 4, 3, 2, 1 -> HR@2 = 2/4, MRR@2 = (1/2 + 1) / 4.
  EXPECT_EQ(r.cases, 4u);
  EXPECT_DOUBLE_EQ(r.metrics.at("HR@2"), 0.5);
  EXPECT_DOUBLE_EQ(r.metrics.at("MRR@2"), 0.375);
  EXPECT_DOUBLE_EQ(r.metrics.at("HR@1"), 0.25);
  EXPECT_DOUBLE_EQ(r.metrics.at("Coverage@2"), 0.5);
  EXPECT_EQ(r.ranking, "full");
  ASSERT_TRUE(r.intervals.count("HR@2"));
  EXPECT_LE(r.intervals.at("HR@2").low, 0.5);
  EXPECT_GE(r.intervals.at("HR@2").high, 0.5);
  for (const char* m : {"HR@1", "MRR@1", "NDCG@1", "MRR@2", "NDCG@2"})
    EXPECT_TRUE(r.intervals.count(m)) << m;
  // Per prefix length at K = 2: length 1 holds ranks 4 and 1, length 2 rank 3, length 3 rank 2.
  ASSERT_EQ(r.by_length.size(), 6u);
  EXPECT_EQ(r.by_length[0].lengths, "1");
  EXPECT_EQ(r.by_length[0].cases, 2u);
  EXPECT_DOUBLE_EQ(r.by_length[0].hr, 0.5);
  EXPECT_DOUBLE_EQ(r.by_length[0].mrr, 0.5);
  EXPECT_EQ(r.by_length[1].cases, 1u);
  EXPECT_DOUBLE_EQ(r.by_length[1].hr, 0.0);
  EXPECT_DOUBLE_EQ(r.by_length[2].hr, 1.0);
  EXPECT_DOUBLE_EQ(r.by_length[2].mrr, 0.5);
  EXPECT_EQ(r.by_length[5].cases, 0u);
}

TEST(Evaluator, LeaveOneOutExcludesHistory) {
  const Dataset d = tiny(SplitKind::kLeaveOneOut);
  FixedModel m;
  EvalOptions o;
  o.cutoffs = {1};
  o.progress = false;
  const EvalResult r = evaluate(m, d, o);
  // Users' sequences: {1,2,3} -> 3 with 1,2 excluded: above 3 only 4 -> rank 2.
  // {2,3,4} -> 4 with 2,3 excluded: 1 above -> rank 2. {1,2,3,4} -> 4, history 1,2,3: rank 1.
  // {4,1} -> 1: rank 1. {2}: no case.
  EXPECT_EQ(r.cases, 4u);
  EXPECT_DOUBLE_EQ(r.metrics.at("HR@1"), 0.5);
}

TEST(Evaluator, SampledIsLabelledAndDeterministicAcrossThreads) {
  const Dataset d = tiny();
  FixedModel m;
  EvalOptions o;
  o.sampled = 2;
  o.progress = false;
  o.threads = 1;
  const EvalResult a = evaluate(m, d, o);
  o.threads = 3;
  const EvalResult b = evaluate(m, d, o);
  EXPECT_EQ(a.ranking, "sampled-2-uniform");
  EXPECT_TRUE(a.sampled());
  EXPECT_EQ(a.metrics, b.metrics);
  EXPECT_EQ(to_json(a)["sampled"], true);
  EXPECT_NE(to_table({a}).find("SAMPLED"), std::string::npos);
  EXPECT_NE(to_csv({a}).find("sampled-2-uniform"), std::string::npos);
  EXPECT_EQ(a.metrics.count("Coverage@20"), 0u);
}

TEST(Evaluator, ProtocolMustFitTheSplit) {
  FixedModel m;
  EvalOptions o;
  o.protocol = Protocol::kLeaveOneOut;
  o.progress = false;
  EXPECT_THROW(evaluate(m, tiny(), o), Error);
}

TEST(Bootstrap, IntervalContainsTheMeanAndIsDeterministic) {
  std::vector<double> v;
  for (int i = 0; i < 1000; ++i) v.push_back(i % 4 == 0 ? 1.0 : 0.0);
  const auto a = bootstrap_interval(v, 500, 7);
  const auto b = bootstrap_interval(v, 500, 7);
  EXPECT_EQ(a, b);
  EXPECT_LT(a.first, 0.25);
  EXPECT_GT(a.second, 0.25);
  EXPECT_LT(a.second - a.first, 0.1);
}

}  // namespace
}  // namespace kairos::eval
