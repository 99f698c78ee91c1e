#include "eval/intent_evaluator.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "core/error.h"
#include "core/parallel.h"
#include "core/rng.h"
#include "core/system.h"
#include "eval/bootstrap.h"
#include "eval/classification/binary_metrics.h"
#include "eval/classification/calibration.h"
#include "eval/prefix_buckets.h"
#include "features/session_features.h"
#include "models/intent/intent_classifier.h"
#include "tasks/intent_targets.h"

namespace kairos::eval {
namespace {

struct Rows {
  FeatureRows features;
  std::vector<int> converts, within;
  std::vector<uint32_t> prefix, session;
};

// `train_stats`: the rows are the training sessions' (out-of-fold statistics); else all of them.
Rows build_rows(const SessionSet& set, const IntentEvalOptions& o, const FoldedItemStats& stats,
                std::span<const uint32_t> item_category, bool train_stats, uint64_t max_cases) {
  const std::vector<IntentCase> cases = intent_cases(set, o.within, o.min_prefix, max_cases);
  Rows r;
  r.features.dim = session_feature_names().size();
  r.features.x.resize(cases.size() * r.features.dim);
  r.features.y.resize(cases.size());
  r.converts.resize(cases.size());
  r.within.resize(cases.size());
  r.prefix.resize(cases.size());
  r.session.resize(cases.size());
  parallel_for(cases.size(), o.threads, 1024, [&](size_t begin, size_t end, int) {
    for (size_t i = begin; i < end; ++i) {
      const IntentCase& c = cases[i];
      const ItemStats& st = train_stats ? stats.for_training_session(c.session) : stats.all();
      session_features(set[c.session], c.prefix, st, item_category,
                       std::span<float>(r.features.x).subspan(i * r.features.dim, r.features.dim));
      r.converts[i] = c.converts;
      r.within[i] = c.within_n;
      r.prefix[i] = c.prefix;
      r.session[i] = c.session;
    }
  });
  return r;
}

void set_labels(Rows* r, bool converts) {
  const auto& y = converts ? r->converts : r->within;
  for (size_t i = 0; i < y.size(); ++i) r->features.y[i] = static_cast<float>(y[i]);
}

// Calibrates on the validation predictions (isotonic), picks the F1 threshold there, and fills
// r's test metrics, intervals and per-length buckets.
void score_predictions(const std::vector<double>& pv, const std::vector<int>& yv,
                       const std::vector<double>& raw, const std::vector<int>& y,
                       const std::vector<uint32_t>& prefix, const std::vector<uint32_t>& session,
                       const IntentEvalOptions& o, IntentEvalResult* out,
                       IsotonicCalibrator* fitted = nullptr) {
  IntentEvalResult& r = *out;
  IsotonicCalibrator iso;
  iso.fit(pv, yv);
  if (fitted != nullptr) *fitted = iso;
  // Isotonic steps reach 0 and 1 where validation was pure; a test case there that goes the
  // other way would cost ln(1e15) = 34.5 — the calibrated probabilities are kept within
  // [1e-4, 1 - 1e-4].
  auto calibrated = [&](const std::vector<double>& q) {
    std::vector<double> c = iso.apply(q);
    for (double& v : c) v = std::clamp(v, 1e-4, 1 - 1e-4);
    return c;
  };
  const std::vector<double> pv_cal = calibrated(pv);
  const std::vector<double> p = calibrated(raw);
  const ThresholdMetrics chosen = best_f1_threshold(pv_cal, yv);
  const ThresholdMetrics at = threshold_metrics(p, y, chosen.threshold);
  r.cases = p.size();
  double pos = 0;
  for (int v : y) pos += v;
  r.positive_rate = r.cases ? pos / static_cast<double>(r.cases) : 0;
  r.metrics["ROC-AUC"] = roc_auc(p, y);
  r.metrics["ROC-AUC (raw)"] = roc_auc(raw, y);
  r.metrics["PR-AUC"] = average_precision(p, y);
  r.metrics["log-loss"] = log_loss(p, y);
  r.metrics["log-loss (raw)"] = log_loss(raw, y);
  r.metrics["Brier"] = brier_score(p, y);
  r.reliability = reliability_table(p, y);
  r.metrics["ECE"] = r.reliability.ece;
  r.curve = binary_curve(p, y);
  r.metrics["ECE (raw)"] = expected_calibration_error(raw, y);
  r.metrics["threshold"] = chosen.threshold;
  r.metrics["precision"] = at.precision;
  r.metrics["recall"] = at.recall;
  r.metrics["F1"] = at.f1;
  r.test_probability = p;
  r.test_label = y;
  r.test_session = session;
  r.test_log_loss.resize(p.size());
  for (size_t i = 0; i < p.size(); ++i) {
    const double q = std::clamp(p[i], 1e-15, 1 - 1e-15);
    r.test_log_loss[i] = y[i] ? -std::log(q) : -std::log(1 - q);
  }
  if (o.bootstrap > 0 && !p.empty()) {
    std::vector<double> br(p.size());
    for (size_t i = 0; i < p.size(); ++i) br[i] = (p[i] - y[i]) * (p[i] - y[i]);
    auto [lo, hi] = bootstrap_interval(r.test_log_loss, o.bootstrap, o.seed);
    r.intervals["log-loss"] = {lo, hi};
    std::tie(lo, hi) = bootstrap_interval(br, o.bootstrap, o.seed);
    r.intervals["Brier"] = {lo, hi};
    const auto [auc_lo, auc_hi] =
        bootstrap_auc_interval(p, y, std::max(1u, o.bootstrap / 5), o.seed);
    r.intervals["ROC-AUC"] = {auc_lo, auc_hi};
  }
  for (size_t b = 0; b < kPrefixBuckets.size(); ++b) {
    std::vector<double> bp;
    std::vector<int> by;
    for (size_t i = 0; i < p.size(); ++i) {
      if (prefix_bucket(prefix[i]) == b) {
        bp.push_back(p[i]);
        by.push_back(y[i]);
      }
    }
    IntentBucket k;
    k.lengths = kPrefixBuckets[b];
    k.cases = bp.size();
    if (!bp.empty()) {
      double s = 0;
      for (int v : by) s += v;
      k.positive_rate = s / static_cast<double>(bp.size());
      k.roc_auc = roc_auc(bp, by);
      k.log_loss = log_loss(bp, by);
    }
    r.by_length.push_back(k);
  }
}

}  // namespace

std::vector<IntentEvalResult> evaluate_intent(const std::string& model,
                                              const nlohmann::json& hparams, const Dataset& data,
                                              const IntentEvalOptions& o) {
  KAIROS_CHECK_USAGE(o.within >= 1, "--within must be >= 1");
  check_has_purchases(data.train(), "train");
  check_has_purchases(data.test(), "test");
  KAIROS_CHECK(!data.valid().empty(),
               "the intent task calibrates on the validation part; this dataset has none");
  const FoldedItemStats stats(data.train(), data.num_items());
  const auto cats = data.item_category();
  Rows train = build_rows(data.train(), o, stats, cats, true, o.max_train_cases);
  Rows valid = build_rows(data.valid(), o, stats, cats, false, 0);
  Rows test = build_rows(data.test(), o, stats, cats, false, 0);

  std::vector<IntentEvalResult> out;
  for (const bool converts : {true, false}) {
    set_labels(&train, converts);
    set_labels(&valid, converts);
    set_labels(&test, converts);
    IntentEvalResult r;
    r.model = model;
    r.target = converts ? "converts" : fmt::format("within-{}", o.within);
    r.train_cases = train.features.rows();
    auto clf = make_intent_classifier(model, hparams, o.threads, o.seed);
    Stopwatch fit_watch;
    clf->fit(train.features, valid.features);
    r.fit_seconds = fit_watch.seconds();
    r.rounds = clf->rounds();
    Stopwatch eval_watch;
    const std::vector<double> pv = clf->predict(valid.features);
    const std::vector<double> raw = clf->predict(test.features);
    const auto& yv = converts ? valid.converts : valid.within;
    const auto& y = converts ? test.converts : test.within;
    score_predictions(pv, yv, raw, y, test.prefix, test.session, o, &r);
    r.eval_seconds = eval_watch.seconds();
    spdlog::info("{} / {}: {} rounds, fitted in {:.1f} s", model, r.target, r.rounds,
                 r.fit_seconds);
    out.push_back(std::move(r));
  }
  return out;
}

IntentEvalResult evaluate_fitted_intent(const std::string& label, const SequenceIntentModel& m,
                                        IntentTarget target, const Dataset& data,
                                        const IntentEvalOptions& o, IsotonicCalibrator* fitted) {
  KAIROS_CHECK_USAGE(o.within >= 1, "--within must be >= 1");
  check_has_purchases(data.test(), "test");
  KAIROS_CHECK(!data.valid().empty(),
               "the intent task calibrates on the validation part; this dataset has none");
  const bool converts = target == IntentTarget::kConverts;
  const SessionSet valid = data.valid(), test = data.test();
  const std::vector<IntentCase> vc = intent_cases(valid, o.within, o.min_prefix);
  const std::vector<IntentCase> tc = intent_cases(test, o.within, o.min_prefix);
  std::vector<uint32_t> prefix(tc.size()), session(tc.size());
  for (size_t i = 0; i < tc.size(); ++i) {
    prefix[i] = tc[i].prefix;
    session[i] = tc[i].session;
  }
  IntentEvalResult r;
  r.model = label;
  r.target = converts ? "converts" : fmt::format("within-{}", o.within);
  Stopwatch eval_watch;
  auto predict_all = [&](const SessionSet& set, const std::vector<IntentCase>& cases,
                         std::vector<double>* p, std::vector<int>* y) {
    p->resize(cases.size());
    y->resize(cases.size());
    parallel_for(cases.size(), o.threads, 256, [&](size_t begin, size_t end, int) {
      for (size_t i = begin; i < end; ++i) {
        (*p)[i] = m.predict(set[cases[i].session], cases[i].prefix);
        (*y)[i] = converts ? cases[i].converts : cases[i].within_n;
      }
    });
  };
  std::vector<double> pv, raw;
  std::vector<int> yv, y;
  predict_all(valid, vc, &pv, &yv);
  predict_all(test, tc, &raw, &y);
  score_predictions(pv, yv, raw, y, prefix, session, o, &r, fitted);
  r.eval_seconds = eval_watch.seconds();
  return r;
}

std::vector<IntentEvalResult> evaluate_intent_sequence(
    const std::string& label, const std::function<std::unique_ptr<SequenceIntentModel>()>& make,
    const Dataset& data, const IntentEvalOptions& o) {
  KAIROS_CHECK_USAGE(o.within >= 1, "--within must be >= 1");
  check_has_purchases(data.train(), "train");
  check_has_purchases(data.test(), "test");
  KAIROS_CHECK(!data.valid().empty(),
               "the intent task calibrates on the validation part; this dataset has none");
  const uint64_t train_cases = intent_cases(data.train(), o.within, o.min_prefix).size();
  std::vector<IntentEvalResult> out;
  for (const IntentTarget target : {IntentTarget::kConverts, IntentTarget::kWithin}) {
    auto m = make();
    Stopwatch fit_watch;
    m->fit(data, target, o.within);
    const double fit_seconds = fit_watch.seconds();
    IntentEvalResult r = evaluate_fitted_intent(label, *m, target, data, o);
    r.train_cases = train_cases;
    r.fit_seconds = fit_seconds;
    spdlog::info("{} / {}: fitted in {:.1f} s", label, r.target, r.fit_seconds);
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<IntentComparison> compare_intent(const std::vector<IntentEvalResult>& results,
                                             uint32_t resamples, uint64_t seed) {
  std::vector<IntentComparison> out;
  if (results.empty()) return out;
  const std::string& baseline = results.front().model;
  for (const IntentEvalResult& base : results) {
    if (base.model != baseline || base.test_label.empty()) continue;
    for (const IntentEvalResult& r : results) {
      if (r.model == baseline || r.target != base.target) continue;
      KAIROS_CHECK(r.test_label == base.test_label && r.test_session == base.test_session,
                   "intent: {} and {} were scored on different test cases", r.model, baseline);
      IntentComparison c;
      c.model = r.model;
      c.baseline = baseline;
      c.target = r.target;
      c.roc_auc = paired_auc_difference(r.test_probability, base.test_probability, r.test_label,
                                        r.test_session, resamples, seed);
      c.log_loss = paired_mean_difference(r.test_log_loss, base.test_log_loss, r.test_session,
                                          resamples, seed);
      out.push_back(std::move(c));
    }
  }
  return out;
}

nlohmann::json to_json(const IntentComparison& c) {
  return {{"model", c.model},
          {"baseline", c.baseline},
          {"target", c.target},
          {"roc_auc", to_json(c.roc_auc)},
          {"log_loss", to_json(c.log_loss)},
          {"resampled", "test sessions"}};
}

std::string to_table(const std::vector<IntentComparison>& comparisons) {
  if (comparisons.empty()) return "";
  std::string out = fmt::format(
      "against {} (model - baseline; 95 % intervals of a paired bootstrap over test sessions, {} "
      "resamples):\n",
      comparisons.front().baseline, comparisons.front().roc_auc.resamples);
  size_t width = 10;  // the model column: as wide as the longest label
  for (const auto& c : comparisons) width = std::max(width, c.model.size());
  for (const auto& c : comparisons) {
    out += fmt::format("  {:<{}} {:<10} ROC-AUC {}   log-loss {}\n", c.model, width, c.target,
                       to_text(c.roc_auc), to_text(c.log_loss));
  }
  return out;
}

nlohmann::json to_json(const IntentEvalResult& r) {
  auto num = [](double v) { return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v); };
  nlohmann::json metrics = nlohmann::json::object();
  for (const auto& [k, v] : r.metrics) metrics[k] = num(v);
  nlohmann::json intervals = nlohmann::json::object();
  for (const auto& [k, iv] : r.intervals)
    intervals[k] = {{"low", num(iv.low)}, {"high", num(iv.high)}};
  nlohmann::json buckets = nlohmann::json::array();
  for (const auto& b : r.by_length) {
    buckets.push_back({{"prefix_length", b.lengths},
                       {"cases", b.cases},
                       {"positive_rate", b.positive_rate},
                       {"roc_auc", num(b.roc_auc)},
                       {"log_loss", num(b.log_loss)}});
  }
  const nlohmann::json bins = reliability_json(r.reliability);
  nlohmann::json curve = nlohmann::json::array();
  for (const auto& c : r.curve) {
    curve.push_back(
        {{"threshold", c.threshold}, {"fpr", c.fpr}, {"tpr", c.tpr}, {"precision", c.precision}});
  }
  return {{"model", r.model},
          {"target", r.target},
          {"reliability", bins},
          {"curve", curve},
          {"train_cases", r.train_cases},
          {"cases", r.cases},
          {"positive_rate", r.positive_rate},
          {"metrics", metrics},
          {"ci95", intervals},
          {"by_prefix_length", buckets},
          {"rounds", r.rounds},
          {"fit_seconds", r.fit_seconds},
          {"eval_seconds", r.eval_seconds}};
}

std::string to_csv(const std::vector<IntentEvalResult>& results) {
  std::set<std::string> names;
  for (const auto& r : results) {
    for (const auto& [k, v] : r.metrics) names.insert(k);
  }
  std::string out = "model,target,cases,positive_rate";
  for (const auto& n : names) out += "," + n;
  out += ",rounds,fit_seconds\n";
  for (const auto& r : results) {
    out += fmt::format("{},{},{},{:.6f}", r.model, r.target, r.cases, r.positive_rate);
    for (const auto& n : names) {
      const auto it = r.metrics.find(n);
      out += it == r.metrics.end() ? "," : fmt::format(",{:.6f}", it->second);
    }
    out += fmt::format(",{},{:.3f}\n", r.rounds, r.fit_seconds);
  }
  return out;
}

std::string to_table(const std::vector<IntentEvalResult>& results) {
  if (results.empty()) return "no results\n";
  std::string out = fmt::format(
      "intent task on test ({} prefixes) · isotonic calibration and F1 threshold chosen on valid\n",
      results.front().cases);
  size_t width = 10;
  for (const auto& r : results) width = std::max(width, r.model.size());
  out += fmt::format(
      "{:<{}} {:<10} {:>6} {:>8} {:>17} {:>7} {:>8} {:>7} {:>7} {:>9} {:>6} {:>6} {:>6} {:>6}\n",
      "model", width, "target", "pos%", "ROC-AUC", "AUC CI95", "PR-AUC", "log-loss", "Brier", "ECE",
      "ECE raw", "thr", "P", "R", "F1");
  for (const auto& r : results) {
    const auto ci = r.intervals.find("ROC-AUC");
    const std::string ci_text =
        ci == r.intervals.end() ? "-"
                                : fmt::format("[{:.4f},{:.4f}]", ci->second.low, ci->second.high);
    const auto& m = r.metrics;
    out += fmt::format(
        "{:<{}} {:<10} {:>6.2f} {:>8.4f} {:>17} {:>7.4f} {:>8.4f} {:>7.4f} {:>7.4f} {:>9.4f} "
        "{:>6.3f} "
        "{:>6.3f} {:>6.3f} {:>6.3f}\n",
        r.model, width, r.target, 100 * r.positive_rate, m.at("ROC-AUC"), ci_text, m.at("PR-AUC"),
        m.at("log-loss"), m.at("Brier"), m.at("ECE"), m.at("ECE (raw)"), m.at("threshold"),
        m.at("precision"), m.at("recall"), m.at("F1"));
  }
  out += "by prefix length (ROC-AUC / log-loss / positive rate):\n";
  for (const auto& r : results) {
    out += fmt::format("  {:<{}} {:<10}", r.model, width, r.target);
    for (const auto& b : r.by_length) {
      out += fmt::format("  {}: {:.3f}/{:.3f}/{:.2f}", b.lengths, b.roc_auc, b.log_loss,
                         b.positive_rate);
    }
    out += "\n";
  }
  return out;
}

}  // namespace kairos::eval
