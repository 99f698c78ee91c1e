#include "eval/label_evaluator.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/parallel.h"
#include "core/progress.h"
#include "core/spread.h"
#include "core/system.h"
#include "eval/bootstrap.h"
#include "index/top_k.h"

namespace kairos::eval {
namespace {

constexpr double kMinProb = 1e-15;  // log-loss clipping, as binary_metrics.h

SessionQuery prefix_query(const SessionView& s, uint32_t prefix) {
  return {s.items.first(prefix), s.types.first(prefix), s.ts_ms.first(prefix), s.user};
}

}  // namespace

void apply_temperature(std::span<float> probs, double temperature) {
  if (temperature == 1.0) return;
  const double inv = 1.0 / temperature;
  double max_log = -INFINITY;
  for (float p : probs) {
    if (p > 0) max_log = std::max(max_log, std::log(static_cast<double>(p)));
  }
  double sum = 0;
  for (float& p : probs) {
    if (p > 0) {
      p = static_cast<float>(std::exp((std::log(static_cast<double>(p)) - max_log) * inv));
      sum += p;
    }
  }
  for (float& p : probs) p = static_cast<float>(p / sum);
}

std::vector<Case> label_cases(const SessionSet& sessions, const EventLabels& labels,
                              uint32_t min_prefix, uint64_t max_cases, uint64_t* skipped) {
  std::vector<Case> all = make_cases(sessions, Protocol::kNextItem, min_prefix, 0);
  std::vector<Case> kept;
  kept.reserve(all.size());
  uint64_t unknown = 0;
  for (const Case& c : all) {
    const SessionView s = sessions[c.session];
    if (labels.is_target(labels.label(s.items[c.prefix], s.types[c.prefix]))) {
      kept.push_back(c);
    } else {
      ++unknown;
    }
  }
  if (skipped) *skipped = unknown;
  keep_evenly_spread(&kept, max_cases);
  return kept;
}

double calibrate_temperature(const LabelModel& model, const EventLabels& labels,
                             const Dataset& data, uint32_t min_prefix, uint64_t max_cases) {
  const SessionSet valid = data.valid();
  const std::vector<Case> cases = label_cases(valid, labels, min_prefix, max_cases, nullptr);
  if (cases.empty()) return 1.0;
  const size_t n = labels.num_classes();
  std::vector<float> logits(cases.size() * n);
  std::vector<uint32_t> targets(cases.size());
  std::vector<float> probs(n);
  constexpr float kFloor = -69.0f;  // log(1e-30): a class of probability 0 stays at ~0
  for (size_t i = 0; i < cases.size(); ++i) {
    const SessionView s = valid[cases[i].session];
    model.predict(prefix_query(s, cases[i].prefix), probs);
    for (size_t c = 0; c < n; ++c) {
      logits[i * n + c] = probs[c] > 0 ? std::max(kFloor, std::log(probs[c])) : kFloor;
    }
    targets[i] = labels.label(s.items[cases[i].prefix], s.types[cases[i].prefix]);
  }
  TemperatureScaler scaler;
  scaler.fit(logits, n, targets);
  return scaler.temperature();
}

TopLabelCalibrator fit_top_label(const LabelModel& model, const EventLabels& labels,
                                 const Dataset& data, uint32_t min_prefix, double temperature,
                                 uint64_t max_cases) {
  const SessionSet valid = data.valid();
  const std::vector<Case> cases = label_cases(valid, labels, min_prefix, max_cases, nullptr);
  TopLabelCalibrator calibrator;
  if (cases.empty()) return calibrator;
  const size_t n = labels.num_classes();
  std::vector<float> probs(cases.size() * n);
  std::vector<uint32_t> targets(cases.size());
  parallel_for(cases.size(), 2, 256, [&](size_t begin, size_t end, int) {
    for (size_t i = begin; i < end; ++i) {
      const SessionView s = valid[cases[i].session];
      const std::span<float> row(probs.data() + i * n, n);
      model.predict(prefix_query(s, cases[i].prefix), row);
      apply_temperature(row, temperature);
      targets[i] = labels.label(s.items[cases[i].prefix], s.types[cases[i].prefix]);
    }
  });
  calibrator.fit(probs, n, targets);
  return calibrator;
}

LabelEvalResult evaluate_labels(const LabelModel& model, const EventLabels& labels,
                                const Dataset& data, const LabelEvalOptions& o) {
  KAIROS_CHECK_USAGE(o.part == "test" || o.part == "valid", "--part must be test or valid");
  KAIROS_CHECK_USAGE(o.temperature > 0, "temperature must be positive");
  std::vector<int> cutoffs = o.cutoffs;
  std::sort(cutoffs.begin(), cutoffs.end());
  cutoffs.erase(std::unique(cutoffs.begin(), cutoffs.end()), cutoffs.end());
  KAIROS_CHECK_USAGE(!cutoffs.empty() && cutoffs.front() >= 1, "cut-offs must be positive");
  const SessionSet set = o.part == "valid" ? data.valid() : data.test();
  LabelEvalResult r;
  const std::vector<Case> cases =
      label_cases(set, labels, o.min_prefix, o.max_cases, &r.skipped_unknown);
  const size_t n_classes = labels.num_classes();
  const size_t nk = cutoffs.size();
  // Per case: HR@K, MRR@K, rest-Recall@K for every K, then log-loss, Brier, rest-CE.
  const size_t width = 3 * nk + 3;
  std::vector<double> values(cases.size() * width, 0.0);
  std::vector<double> confidence(cases.size());
  std::vector<int> correct(cases.size());
  const int threads = std::max(1, o.threads);
  struct Scratch {
    std::vector<float> probs, ranked;
    std::vector<uint32_t> rest;
  };
  std::vector<Scratch> scratch(threads);

  ProgressBar bar(fmt::format("evaluate {} ({})", model.name(), task_name(labels.task())),
                  o.progress ? cases.size() : 0, "cases");
  Stopwatch wall;
  parallel_for(cases.size(), threads, 256, [&](size_t begin, size_t end, int ti) {
    Scratch& t = scratch[ti];
    t.probs.resize(n_classes);
    for (size_t ci = begin; ci < end; ++ci) {
      const Case& c = cases[ci];
      const SessionView s = set[c.session];
      model.predict(prefix_query(s, c.prefix), t.probs);
      apply_temperature(t.probs, o.temperature);
      if (o.top_label != nullptr) o.top_label->apply(t.probs);
      const uint32_t y = labels.label(s.items[c.prefix], s.types[c.prefix]);
      const float py = t.probs[y];
      // Conservative rank of y among the target classes.
      uint64_t above = 0;
      for (uint32_t k = 0; k < n_classes; ++k) {
        if (k != y && labels.is_target(k) && t.probs[k] >= py) ++above;
      }
      const double rank = 1.0 + static_cast<double>(above);
      // The top classes (non-targets out), for the rest-of-session recall and the top label.
      t.ranked.assign(t.probs.begin(), t.probs.end());
      for (uint32_t k = 0; k < n_classes; ++k) {
        if (!labels.is_target(k)) t.ranked[k] = -INFINITY;
      }
      const auto top = top_k(t.ranked, static_cast<size_t>(cutoffs.back()));
      // The rest of the session: its class frequencies and distinct classes.
      t.rest.clear();
      double rest_ce = 0;
      size_t rest_events = 0;
      for (size_t i = c.prefix; i < s.size(); ++i) {
        const uint32_t l = labels.label(s.items[i], s.types[i]);
        if (!labels.is_target(l)) continue;
        t.rest.push_back(l);
        rest_ce -= std::log(std::max<double>(kMinProb, t.probs[l]));
        ++rest_events;
      }
      rest_ce /= static_cast<double>(rest_events);  // >= 1: the next event is a target
      std::sort(t.rest.begin(), t.rest.end());
      t.rest.erase(std::unique(t.rest.begin(), t.rest.end()), t.rest.end());
      double* row = values.data() + ci * width;
      for (size_t k = 0; k < nk; ++k) {
        const auto K = static_cast<double>(cutoffs[k]);
        row[k] = rank <= K ? 1.0 : 0.0;
        row[nk + k] = rank <= K ? 1.0 / rank : 0.0;
        size_t found = 0;
        for (size_t j = 0; j < top.size() && j < static_cast<size_t>(cutoffs[k]); ++j) {
          found += std::binary_search(t.rest.begin(), t.rest.end(), top[j].item);
        }
        row[2 * nk + k] = static_cast<double>(found) / static_cast<double>(t.rest.size());
      }
      double brier = 0;
      for (uint32_t k = 0; k < n_classes; ++k) {
        const double d = t.probs[k] - (k == y ? 1.0 : 0.0);
        brier += d * d;
      }
      row[3 * nk] = -std::log(std::max<double>(kMinProb, py));
      row[3 * nk + 1] = brier;
      row[3 * nk + 2] = rest_ce;
      confidence[ci] = top.empty() ? 0.0 : std::clamp<double>(top.front().score, 0.0, 1.0);
      correct[ci] = !top.empty() && top.front().item == y;
    }
    bar.add(end - begin);
  });
  bar.finish();

  r.model = model.name();
  r.task = std::string(task_name(labels.task()));
  r.part = o.part;
  r.cases = cases.size();
  r.cutoffs = cutoffs;
  r.threads = threads;
  r.temperature = o.temperature;
  r.calibration = o.top_label != nullptr && o.top_label->fitted()
                      ? "temperature + top-label isotonic"
                  : o.temperature != 1.0 ? "temperature"
                                         : "none";
  r.eval_seconds = wall.seconds();
  r.cases_per_second = r.eval_seconds > 0 ? static_cast<double>(cases.size()) / r.eval_seconds : 0;
  if (cases.empty()) return r;
  auto column = [&](size_t j) {
    std::vector<double> v(cases.size());
    for (size_t ci = 0; ci < cases.size(); ++ci) v[ci] = values[ci * width + j];
    return v;
  };
  auto mean = [](const std::vector<double>& v) {
    double sum = 0;  // in case order: the same for any thread count
    for (double x : v) sum += x;
    return sum / static_cast<double>(v.size());
  };
  for (size_t k = 0; k < nk; ++k) {
    r.metrics[fmt::format("HR@{}", cutoffs[k])] = mean(column(k));
    r.metrics[fmt::format("MRR@{}", cutoffs[k])] = mean(column(nk + k));
    r.metrics[fmt::format("rest-Recall@{}", cutoffs[k])] = mean(column(2 * nk + k));
  }
  r.case_log_loss = column(3 * nk);
  r.case_hit = column(0);
  r.case_session.resize(cases.size());
  for (size_t ci = 0; ci < cases.size(); ++ci) r.case_session[ci] = cases[ci].session;
  r.metrics["log-loss"] = mean(r.case_log_loss);
  r.metrics["Brier"] = mean(column(3 * nk + 1));
  r.metrics["rest-CE"] = mean(column(3 * nk + 2));
  r.reliability = reliability_table(confidence, correct);
  r.metrics["ECE"] = r.reliability.ece;
  if (o.bootstrap > 0) {
    const std::string hr = fmt::format("HR@{}", cutoffs.back());
    for (const auto& [name, j] : {std::pair{hr, nk - 1}, {std::string("log-loss"), 3 * nk}}) {
      const auto [lo, hi] = bootstrap_interval(column(j), o.bootstrap, o.seed);
      r.intervals[name] = {lo, hi};
    }
  }
  return r;
}

}  // namespace kairos::eval
