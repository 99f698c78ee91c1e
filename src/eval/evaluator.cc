#include "eval/evaluator.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "core/event_type.h"
#include "core/parallel.h"
#include "core/progress.h"
#include "core/rng.h"
#include "core/system.h"
#include "eval/bootstrap.h"
#include "eval/prefix_buckets.h"
#include "eval/ranking/metrics.h"
#include "index/top_k.h"

namespace kairos::eval {
namespace {

constexpr size_t kPerCutoff = 7;  // the 6 rank metrics + list popularity

// Training popularity (event counts) of every item; normalized by the maximum.
std::vector<double> popularity(const SessionSet& train, uint32_t num_items) {
  std::vector<double> pop(num_items, 0.0);
  for (size_t s = 0; s < train.size(); ++s) {
    for (uint32_t i : train[s].items) pop[i] += 1.0;
  }
  const double top = *std::max_element(pop.begin(), pop.end());
  if (top > 0) {
    for (double& p : pop) p /= top;
  }
  return pop;
}

// Negatives for sampled evaluation: distinct, never the target or an excluded item.
class NegativeSampler {
 public:
  NegativeSampler(uint32_t num_items, const std::vector<double>& pop, bool by_popularity)
      : num_items_(num_items) {
    if (!by_popularity) return;
    cdf_.resize(num_items);
    double sum = 0;
    for (uint32_t i = 0; i < num_items; ++i) cdf_[i] = sum += (i == 0 ? 0.0 : pop[i]);
  }
  void sample(uint32_t n, uint32_t target, std::span<const uint32_t> exclude, Rng& rng,
              std::vector<uint32_t>* out) const {
    out->clear();
    const uint64_t limit = 100ULL * n + 1000;
    for (uint64_t tries = 0; out->size() < n && tries < limit; ++tries) {
      const uint32_t i = draw(rng);
      if (i == 0 || i == target) continue;
      if (std::find(exclude.begin(), exclude.end(), i) != exclude.end()) continue;
      if (std::find(out->begin(), out->end(), i) != out->end()) continue;
      out->push_back(i);
    }
  }

 private:
  uint32_t draw(Rng& rng) const {
    if (cdf_.empty()) return 1 + static_cast<uint32_t>(rng.below(num_items_ - 1));
    const double x = rng.uniform() * cdf_.back();
    return static_cast<uint32_t>(std::upper_bound(cdf_.begin(), cdf_.end(), x) - cdf_.begin());
  }
  uint32_t num_items_;
  std::vector<double> cdf_;
};

// Consecutive cases scored together by models with incremental state: up to 128 rows (OpenBLAS
// packs the item matrix once per product, so wide batches amortise it), at most ~32 MB of scores
// per thread on large catalogues.
size_t batch_rows(uint32_t num_items) {
  constexpr size_t kMaxRows = 128, kBytes = size_t{32} << 20;
  return std::clamp<size_t>(kBytes / (sizeof(float) * std::max<uint32_t>(num_items, 1)), 1,
                            kMaxRows);
}

struct ThreadScratch {
  std::vector<float> scores, batch_scores;
  std::vector<uint32_t> targets, negatives, top;
  std::vector<double> ranks;
  std::vector<float> negative_scores;
  std::vector<Coverage> coverage;
};

}  // namespace

EvalResult evaluate(const SessionModel& model, const Dataset& data, const EvalOptions& o) {
  KAIROS_CHECK_USAGE(o.part == "test" || o.part == "valid", "--part must be test or valid");
  KAIROS_CHECK_USAGE(!o.cutoffs.empty(), "at least one cut-off is needed");
  KAIROS_CHECK_USAGE(o.sampled_mode == "uniform" || o.sampled_mode == "popularity",
                     "--sampled-mode must be uniform or popularity");
  std::vector<int> cutoffs = o.cutoffs;
  std::sort(cutoffs.begin(), cutoffs.end());
  cutoffs.erase(std::unique(cutoffs.begin(), cutoffs.end()), cutoffs.end());
  KAIROS_CHECK_USAGE(cutoffs.front() >= 1, "cut-offs must be positive");
  const int max_k = cutoffs.back();

  const Protocol p = o.protocol.value_or(default_protocol(data));
  KAIROS_CHECK_USAGE((p == Protocol::kLeaveOneOut) == (data.split() == SplitKind::kLeaveOneOut),
                     "protocol {} does not fit a {} dataset", protocol_name(p),
                     split_kind_name(data.split()));
  const SessionSet set = o.part == "valid" ? data.valid() : data.test();
  const std::vector<Case> cases = make_cases(set, p, o.min_prefix, o.max_cases, o.target_types);
  const uint32_t n_items = data.num_items();
  const std::vector<double> pop =
      popularity(o.part == "valid" ? data.train() : data.train_full(), n_items);
  const bool full = o.sampled == 0;
  const NegativeSampler sampler(n_items, pop, o.sampled_mode == "popularity");

  const size_t width = cutoffs.size() * kPerCutoff;
  std::vector<double> values(cases.size() * width, 0.0);
  std::vector<float> latency_us(cases.size(), 0.0f);
  const int threads = std::max(1, o.threads);
  std::vector<ThreadScratch> scratch(threads);
  for (auto& t : scratch) {
    t.scores.resize(n_items);
    t.coverage.assign(cutoffs.size(), Coverage(n_items));
  }

  // What a case does once its scores exist: ranks of its targets (full or sampled), its top-K
  // list for coverage and popularity, its metric row.
  auto finish_case = [&](size_t ci, std::span<const float> scores, ThreadScratch& t) {
    const Case& c = cases[ci];
    const SessionView s = set[c.session];
    const std::span<const uint32_t> exclude =
        excludes_history(p) ? s.items.first(c.prefix) : std::span<const uint32_t>();
    case_targets(s, c, p, &t.targets);
    t.ranks.clear();
    if (full) {
      for (uint32_t target : t.targets) t.ranks.push_back(rank_of(scores, target, o.ties, exclude));
      const auto list = top_k(scores, static_cast<size_t>(max_k), exclude);
      t.top.clear();
      for (const auto& si : list) t.top.push_back(si.item);
    } else {
      Rng rng = Rng::derive(o.seed, ci);
      sampler.sample(o.sampled, t.targets.front(), exclude, rng, &t.negatives);
      t.negative_scores.clear();
      for (uint32_t i : t.negatives) t.negative_scores.push_back(scores[i]);
      for (uint32_t target : t.targets) {
        t.ranks.push_back(rank_among(scores[target], t.negative_scores, o.ties));
      }
    }
    double* row = values.data() + ci * width;
    for (size_t k = 0; k < cutoffs.size(); ++k) {
      const CaseMetrics m = case_metrics(t.ranks, cutoffs[k]);
      for (size_t j = 0; j < 6; ++j) row[k * kPerCutoff + j] = metric_value(m, j);
      if (full) {
        const std::span<const uint32_t> head(
            t.top.data(), std::min<size_t>(t.top.size(), static_cast<size_t>(cutoffs[k])));
        t.coverage[k].add(head);
        row[k * kPerCutoff + 6] = list_popularity(head, pop);
      }
    }
  };
  using Clock = std::chrono::steady_clock;
  auto micros = [](Clock::time_point t0) {
    return std::chrono::duration<float, std::micro>(Clock::now() - t0).count();
  };

  // Prefix by prefix: every case re-scores its prefix from scratch (score(query)).
  auto by_prefix = [&](size_t begin, size_t end, ThreadScratch& t) {
    for (size_t ci = begin; ci < end; ++ci) {
      const Case& c = cases[ci];
      const SessionView s = set[c.session];
      const SessionQuery q{s.items.first(c.prefix), s.types.first(c.prefix),
                           s.ts_ms.first(c.prefix), s.user};
      const auto t0 = Clock::now();
      model.score(q, t.scores);
      finish_case(ci, t.scores, t);
      latency_us[ci] = micros(t0);
    }
  };
  // Incremental models: one pass over each session (observe() per event), states of up to
  // batch_rows() consecutive cases scored together (score_batch). A case's latency is its batch's
  // time divided by the batch size (amortised), observes included.
  const size_t rows = batch_rows(n_items);
  auto by_session = [&](size_t begin, size_t end, ThreadScratch& t) {
    std::unique_ptr<SessionState> state;
    uint32_t session = 0, observed = 0;
    std::vector<std::unique_ptr<SessionState>> batch;
    std::vector<const SessionState*> batch_ptrs;
    size_t first = begin;
    auto t0 = Clock::now();
    auto flush = [&](size_t last) {  // cases [first, last)
      if (batch.empty()) return;
      batch_ptrs.clear();
      for (const auto& b : batch) batch_ptrs.push_back(b.get());
      t.batch_scores.resize(batch.size() * n_items);
      model.score_batch(batch_ptrs, t.batch_scores);
      for (size_t b = 0; b < batch.size(); ++b) {
        finish_case(first + b, std::span<const float>(t.batch_scores).subspan(b * n_items, n_items),
                    t);
      }
      const float each = micros(t0) / static_cast<float>(batch.size());
      for (size_t ci = first; ci < last; ++ci) latency_us[ci] = each;
      batch.clear();
      first = last;
      t0 = Clock::now();
    };
    for (size_t ci = begin; ci < end; ++ci) {
      const Case& c = cases[ci];
      const SessionView s = set[c.session];
      if (!state || c.session != session || c.prefix < observed) {
        state = model.start();
        session = c.session;
        observed = 0;
      }
      for (; observed < c.prefix; ++observed) {
        model.observe(*state, s.items[observed], s.types[observed], s.ts_ms[observed]);
      }
      batch.push_back(model.clone_state(*state));
      if (batch.size() == rows) flush(ci + 1);
    }
    flush(end);
  };

  ProgressBar bar(fmt::format("evaluate {}", model.name()), o.progress ? cases.size() : 0, "cases");
  Stopwatch wall;
  const bool incremental = model.incremental();
  // Incremental chunks are long: a session cut by a chunk boundary is observed again from its
  // start.
  parallel_for(cases.size(), threads, incremental ? 8 * rows : 64,
               [&](size_t begin, size_t end, int ti) {
                 if (incremental) {
                   by_session(begin, end, scratch[ti]);
                 } else {
                   by_prefix(begin, end, scratch[ti]);
                 }
                 bar.add(end - begin);
               });
  bar.finish();

  EvalResult r;
  r.model = model.name();
  r.protocol = std::string(protocol_name(p));
  if (o.target_types != 0) {
    std::vector<std::string_view> names;
    for (int t = 0; t < kNumEventTypes; ++t) {
      if ((o.target_types >> t & 1) != 0) names.push_back(kEventTypeNames[t]);
    }
    r.protocol += fmt::format(" (targets: {})", fmt::join(names, ", "));
  }
  if (p == Protocol::kNextItem && o.min_prefix > 1) {
    r.protocol += fmt::format(" (prefix >= {})", o.min_prefix);
  }
  r.ranking = full ? "full" : fmt::format("sampled-{}-{}", o.sampled, o.sampled_mode);
  r.ties = std::string(tie_mode_name(o.ties));
  r.part = o.part;
  r.cases = cases.size();
  r.cutoffs = cutoffs;
  r.threads = threads;
  r.seed = o.seed;
  r.eval_seconds = wall.seconds();
  r.cases_per_second = r.eval_seconds > 0 ? cases.size() / r.eval_seconds : 0;
  r.latency_p50_us = percentile(latency_us, 0.50);
  r.latency_p95_us = percentile(latency_us, 0.95);
  r.latency_p99_us = percentile(latency_us, 0.99);
  const double n = std::max<double>(1.0, static_cast<double>(cases.size()));
  for (size_t k = 0; k < cutoffs.size(); ++k) {
    for (size_t j = 0; j < kPerCutoff; ++j) {
      if (j == 6 && !full) continue;
      double sum = 0;  // summed in case order: the same result for any thread count
      for (size_t ci = 0; ci < cases.size(); ++ci) sum += values[ci * width + k * kPerCutoff + j];
      const std::string name = j == 6 ? "Popularity" : metric_names()[j];
      r.metrics[fmt::format("{}@{}", name, cutoffs[k])] = sum / n;
    }
    if (full) {
      Coverage all(n_items);
      for (const auto& t : scratch) all.merge(t.coverage[k]);
      r.metrics[fmt::format("Coverage@{}", cutoffs[k])] = all.value();
    }
  }
  {
    const size_t k = cutoffs.size() - 1;
    r.by_length.resize(kPrefixBuckets.size());
    for (size_t b = 0; b < kPrefixBuckets.size(); ++b) r.by_length[b].lengths = kPrefixBuckets[b];
    for (size_t ci = 0; ci < cases.size(); ++ci) {
      RankBucket& b = r.by_length[prefix_bucket(cases[ci].prefix)];
      ++b.cases;
      b.hr += values[ci * width + k * kPerCutoff + 0];
      b.mrr += values[ci * width + k * kPerCutoff + 1];
    }
    for (RankBucket& b : r.by_length) {
      if (b.cases == 0) continue;
      b.hr /= static_cast<double>(b.cases);
      b.mrr /= static_cast<double>(b.cases);
    }
  }
  if (o.bootstrap > 0 && !cases.empty()) {  // HR, MRR and NDCG at every cut-off
    std::vector<double> per_case(cases.size());
    for (size_t k = 0; k < cutoffs.size(); ++k) {
      for (size_t j = 0; j < 3; ++j) {
        for (size_t ci = 0; ci < cases.size(); ++ci) {
          per_case[ci] = values[ci * width + k * kPerCutoff + j];
        }
        const auto [lo, hi] = bootstrap_interval(per_case, o.bootstrap, o.seed);
        r.intervals[fmt::format("{}@{}", metric_names()[j], cutoffs[k])] = {lo, hi};
      }
    }
  }
  return r;
}

}  // namespace kairos::eval
