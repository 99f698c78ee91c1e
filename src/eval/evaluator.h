// The evaluator: one fitted SessionModel on one dataset under one protocol, multi-threaded over
// cases, deterministic for a seed whatever the thread count, with per-case latency.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "eval/protocol.h"
#include "eval/ranking/rank.h"
#include "models/session_model.h"

namespace kairos::eval {

struct EvalOptions {
  std::optional<Protocol> protocol;  // unset = default_protocol(data)
  std::string part = "test";         // "test" or "valid" (model fitted on train for valid)
  uint32_t min_prefix = 1;
  std::vector<int> cutoffs = {5, 10, 20};
  TieMode ties = TieMode::kConservative;
  // Sampled evaluation (only behind this option, labelled everywhere): rank the target among
  // `sampled` negatives drawn uniformly or by training popularity. 0 = full ranking.
  uint32_t sampled = 0;
  std::string sampled_mode = "uniform";
  int threads = 2;
  uint64_t seed = 42;
  uint32_t bootstrap = 1000;  // resamples for the 95% intervals (0 = none)
  uint64_t max_cases = 0;     // 0 = all
  // Next-item only: a bit per EventType (1 << type); only cases whose target event has one of
  // these types count (0 = all), e.g. the next item among carts and buys.
  uint8_t target_types = 0;
  bool progress = true;
};

struct Interval {
  double low = 0, high = 0;
};

// Hit rate and MRR at the largest cut-off over the cases whose prefix length falls in a bucket
// (eval/prefix_buckets.h).
struct RankBucket {
  std::string lengths;
  uint64_t cases = 0;
  double hr = 0, mrr = 0;
};

struct EvalResult {
  std::string model;
  std::string protocol;
  std::string ranking;  // "full" or e.g. "sampled-100-uniform"
  std::string ties;
  std::string part;
  uint64_t cases = 0;
  std::vector<int> cutoffs;
  // "HR@20" -> mean over cases; also "Coverage@K" and "Popularity@K" (full ranking only).
  std::map<std::string, double> metrics;
  // 95% bootstrap intervals of HR@K, MRR@K and NDCG@K at every cut-off.
  std::map<std::string, Interval> intervals;
  std::vector<RankBucket> by_length;  // per prefix length, at the largest cut-off
  double fit_seconds = 0;
  double eval_seconds = 0;
  double cases_per_second = 0;
  double latency_p50_us = 0, latency_p95_us = 0, latency_p99_us = 0;
  int threads = 1;
  uint64_t seed = 0;
  bool sampled() const { return ranking != "full"; }
};

EvalResult evaluate(const SessionModel& model, const Dataset& data, const EvalOptions& options);

}  // namespace kairos::eval
