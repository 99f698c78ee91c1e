#include "eval/return_evaluator.h"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <ctime>

#include "core/error.h"
#include "core/rng.h"
#include "core/system.h"
#include "data/fields.h"
#include "eval/bootstrap.h"
#include "eval/classification/binary_metrics.h"
#include "models/customers/return_model.h"
#include "tasks/customer_window.h"

namespace kairos::eval {
namespace {

constexpr int kFrequencyBins = 8;  // 0 .. 6, 7+

void score(const ReturnPredictions& pred, const CustomerWindow& w, const ReturnEvalOptions& o,
           ReturnEvalResult* out) {
  ReturnEvalResult& r = *out;
  const std::vector<int>& y = w.labels.returns;
  const std::vector<double>& count = w.labels.count;
  const size_t n = y.size();
  KAIROS_CHECK_KIND(pred.p_return.size() == n && pred.expected.size() == n, ErrorKind::kInternal,
                    "{}: {} / {} predictions for {} customers", r.model, pred.p_return.size(),
                    pred.expected.size(), n);
  std::vector<double> p(n);
  for (size_t i = 0; i < n; ++i) p[i] = std::clamp(pred.p_return[i], 0.0, 1.0);
  r.metrics["ROC-AUC"] = roc_auc(p, y);
  r.metrics["PR-AUC"] = average_precision(p, y);
  r.metrics["log-loss"] = log_loss(p, y);
  r.metrics["Brier"] = brier_score(p, y);
  r.reliability = reliability_table(p, y);
  r.metrics["ECE"] = r.reliability.ece;
  double mean_p = 0, abs_err = 0, sq_err = 0, total = 0, actual = 0;
  std::vector<double> ll(n), br(n), ae(n);
  for (size_t i = 0; i < n; ++i) {
    mean_p += p[i];
    const double e = pred.expected[i] - count[i];
    abs_err += std::abs(e);
    sq_err += e * e;
    total += pred.expected[i];
    actual += count[i];
    const double q = std::clamp(p[i], 1e-15, 1 - 1e-15);
    ll[i] = y[i] ? -std::log(q) : -std::log(1 - q);
    br[i] = (p[i] - y[i]) * (p[i] - y[i]);
    ae[i] = std::abs(e);
  }
  const auto dn = static_cast<double>(n);
  r.metrics["mean P(return)"] = mean_p / dn;
  r.metrics["count MAE"] = abs_err / dn;
  r.metrics["count RMSE"] = std::sqrt(sq_err / dn);
  r.metrics["count total"] = total;
  r.metrics["count total error %"] = actual > 0 ? 100.0 * (total - actual) / actual : NAN;
  if (o.bootstrap > 0) {
    auto [lo, hi] = bootstrap_interval(ll, o.bootstrap, o.seed);
    r.intervals["log-loss"] = {lo, hi};
    std::tie(lo, hi) = bootstrap_interval(br, o.bootstrap, o.seed);
    r.intervals["Brier"] = {lo, hi};
    std::tie(lo, hi) = bootstrap_interval(ae, o.bootstrap, o.seed);
    r.intervals["count MAE"] = {lo, hi};
    std::tie(lo, hi) = bootstrap_auc_interval(p, y, std::max(1u, o.bootstrap / 5), o.seed);
    r.intervals["ROC-AUC"] = {lo, hi};
  }
  std::vector<FrequencyBin> bins(kFrequencyBins);
  for (int b = 0; b < kFrequencyBins; ++b)
    bins[b].repeat = b + 1 < kFrequencyBins ? std::to_string(b) : fmt::format("{}+", b);
  for (size_t i = 0; i < n; ++i) {
    const auto b = static_cast<size_t>(std::min<double>(kFrequencyBins - 1, w.features.repeat[i]));
    ++bins[b].customers;
    bins[b].actual += count[i];
    bins[b].predicted += pred.expected[i];
  }
  for (auto& b : bins) {
    if (b.customers == 0) continue;
    b.actual /= static_cast<double>(b.customers);
    b.predicted /= static_cast<double>(b.customers);
  }
  r.by_frequency = std::move(bins);
}

// Weekly cumulative repeat occasions (every occasion after a customer's first) from `start`.
std::vector<double> actual_tracking(const PurchaseHistories& h, int32_t start, int weeks) {
  std::vector<double> per_week(weeks, 0.0);
  for (size_t c = 0; c < h.customers(); ++c) {
    const auto days = h.days_of(c);
    for (size_t k = 1; k < days.size(); ++k) {
      const int32_t w = (days[k] - start) / 7;
      if (days[k] >= start && w < weeks) per_week[w] += 1;
    }
  }
  for (int w = 1; w < weeks; ++w) per_week[w] += per_week[w - 1];
  return per_week;
}

}  // namespace

int32_t parse_day(const std::string& text, const char* what) {
  int64_t ms = 0;
  KAIROS_CHECK_USAGE(text.size() == 10 && parse_date_ms(text, &ms), "{}: '{}' is not YYYY-MM-DD",
                     what, text);
  return static_cast<int32_t>(ms / 86400000);
}

std::string format_day(int32_t day) {
  const std::time_t t = static_cast<std::time_t>(day) * 86400;
  return fmt::format("{:%Y-%m-%d}", fmt::gmtime(t));
}

ReturnEvaluation evaluate_return(const Transactions& t, const std::vector<ReturnModelSpec>& models,
                                 const ReturnEvalOptions& o, const ReturnModelMaker& make) {
  KAIROS_CHECK_USAGE(o.horizon_days >= 1, "the horizon must be at least one day");
  KAIROS_CHECK_USAGE(o.valid_fraction > 0 && o.valid_fraction < 1,
                     "the validation share must be in (0, 1), not {}", o.valid_fraction);
  const PurchaseHistories h = purchase_histories(t);
  ReturnEvaluation e;
  e.cutoff_day = o.cutoff_day;
  e.horizon_days = o.horizon_days;
  const int32_t first = h.first_day(), last = h.last_day();
  KAIROS_CHECK_USAGE(o.cutoff_day > first, "the cut-off {} is not after the first purchase ({})",
                     format_day(o.cutoff_day), format_day(first));
  if (o.cutoff_day + o.horizon_days - 1 > last) {
    spdlog::warn(
        "the horizon ends on {} but the data ends on {}: customers look like they "
        "stopped buying in the missing days",
        format_day(o.cutoff_day + o.horizon_days - 1), format_day(last));
  }
  const CustomerWindow eval_window = customer_window(h, o.cutoff_day, o.horizon_days);
  const CustomerWindow train_all =
      customer_window(h, o.cutoff_day - o.horizon_days, o.horizon_days);
  std::vector<bool> in_valid(train_all.features.rows()), in_train(train_all.features.rows());
  for (size_t i = 0; i < in_valid.size(); ++i) {
    in_valid[i] = Rng::derive(o.seed, train_all.features.customer[i]).uniform() < o.valid_fraction;
    in_train[i] = !in_valid[i];
  }
  ReturnFitData data{select_rows(train_all, in_train), select_rows(train_all, in_valid),
                     eval_window.features};
  e.customers = eval_window.features.rows();
  e.train_customers = train_all.features.rows();
  double pos = 0;
  for (int v : eval_window.labels.returns) pos += v;
  for (double c : eval_window.labels.count) e.total_actual += c;
  e.return_rate = e.customers ? pos / static_cast<double>(e.customers) : 0;
  e.tracking_start_day = first;
  const int weeks = (o.cutoff_day + o.horizon_days - first + 6) / 7;
  e.tracking_actual = actual_tracking(h, first, weeks);
  spdlog::info(
      "return task: cut-off {}, horizon {} days: {} customers ({:.1f} % return), "
      "training window {} customers",
      format_day(o.cutoff_day), o.horizon_days, e.customers, 100 * e.return_rate,
      e.train_customers);

  for (const auto& spec : models) {
    ReturnEvalResult r;
    r.model = spec.label;
    r.customers = e.customers;
    r.return_rate = e.return_rate;
    auto model = make ? make(spec.model, spec.hparams, o.threads, o.seed)
                      : make_return_model(spec.model, spec.hparams, o.threads, o.seed);
    if (model->supervised() && data.train.features.rows() == 0) {
      r.skipped = fmt::format(
          "needs a training window: no customer bought before {} (cut-off minus the horizon)",
          format_day(o.cutoff_day - o.horizon_days));
      spdlog::warn("{}: skipped, {}", r.model, r.skipped);
      e.results.push_back(std::move(r));
      continue;
    }
    r.train_customers = model->supervised() ? e.train_customers : 0;
    Stopwatch watch;
    model->fit(data);
    r.fit_seconds = watch.seconds();
    watch.reset();
    const ReturnPredictions pred = model->predict(eval_window.features, o.horizon_days);
    r.predict_seconds = watch.seconds();
    score(pred, eval_window, o, &r);
    r.details = model->details();
    std::vector<int32_t> births;
    for (size_t c = 0; c < h.customers(); ++c) births.push_back(h.days_of(c)[0]);
    r.tracking_expected = model->expected_cumulative(births, first, weeks);
    r.evaluated = true;
    spdlog::info("{}: fitted in {:.2f} s", r.model, r.fit_seconds);
    e.results.push_back(std::move(r));
  }
  return e;
}

nlohmann::json to_json(const ReturnEvaluation& e) {
  auto num = [](double v) { return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v); };
  nlohmann::json results = nlohmann::json::array();
  for (const auto& r : e.results) {
    nlohmann::json metrics = nlohmann::json::object(), ci = nlohmann::json::object();
    for (const auto& [k, v] : r.metrics) metrics[k] = num(v);
    for (const auto& [k, iv] : r.intervals) ci[k] = {{"low", num(iv.low)}, {"high", num(iv.high)}};
    nlohmann::json bins = nlohmann::json::array();
    for (const auto& b : r.by_frequency) {
      bins.push_back({{"repeat_purchases", b.repeat},
                      {"customers", b.customers},
                      {"actual", b.actual},
                      {"predicted", b.predicted}});
    }
    nlohmann::json j = {{"model", r.model}, {"evaluated", r.evaluated}};
    if (!r.evaluated) {
      j["skipped"] = r.skipped;
    } else {
      j.update({{"customers", r.customers},
                {"train_customers", r.train_customers},
                {"metrics", metrics},
                {"ci95", ci},
                {"reliability", reliability_json(r.reliability)},
                {"by_repeat_purchases", bins},
                {"details", r.details},
                {"fit_seconds", r.fit_seconds},
                {"predict_seconds", r.predict_seconds}});
      if (!r.tracking_expected.empty()) j["tracking_expected"] = r.tracking_expected;
    }
    results.push_back(std::move(j));
  }
  return {{"task", "return"},
          {"cutoff", format_day(e.cutoff_day)},
          {"horizon_days", e.horizon_days},
          {"customers", e.customers},
          {"train_customers", e.train_customers},
          {"return_rate", e.return_rate},
          {"total_actual", e.total_actual},
          {"tracking",
           {{"start", format_day(e.tracking_start_day)},
            {"unit", "week"},
            {"actual", e.tracking_actual}}},
          {"results", results}};
}

std::string to_csv(const ReturnEvaluation& e) {
  static const char* kCols[] = {"ROC-AUC", "PR-AUC",    "log-loss",   "Brier",
                                "ECE",     "count MAE", "count RMSE", "count total"};
  std::string out = "model,customers,return_rate";
  for (const char* c : kCols) out += fmt::format(",{}", c);
  out += ",total_actual,fit_seconds\n";
  for (const auto& r : e.results) {
    if (!r.evaluated) continue;
    out += fmt::format("{},{},{:.6f}", r.model, r.customers, r.return_rate);
    for (const char* c : kCols) out += fmt::format(",{:.6f}", r.metrics.at(c));
    out += fmt::format(",{:.0f},{:.3f}\n", e.total_actual, r.fit_seconds);
  }
  return out;
}

std::string to_table(const ReturnEvaluation& e) {
  std::string out = fmt::format(
      "return task · cut-off {} · horizon {} days · {} customers ({:.2f} % return, {:.0f} "
      "occasions) · training window {} customers\n",
      format_day(e.cutoff_day), e.horizon_days, e.customers, 100 * e.return_rate, e.total_actual,
      e.train_customers);
  out += fmt::format("{:<10} {:>8} {:>17} {:>7} {:>8} {:>7} {:>7} {:>9} {:>10} {:>9} {:>7}\n",
                     "model", "ROC-AUC", "AUC CI95", "PR-AUC", "log-loss", "Brier", "ECE",
                     "count MAE", "count tot", "tot err%", "fit s");
  for (const auto& r : e.results) {
    if (!r.evaluated) {
      out += fmt::format("{:<10} skipped: {}\n", r.model, r.skipped);
      continue;
    }
    const auto& m = r.metrics;
    const auto ci = r.intervals.find("ROC-AUC");
    const std::string ci_text =
        ci == r.intervals.end() ? "-"
                                : fmt::format("[{:.4f},{:.4f}]", ci->second.low, ci->second.high);
    out += fmt::format(
        "{:<10} {:>8.4f} {:>17} {:>7.4f} {:>8.4f} {:>7.4f} {:>7.4f} {:>9.4f} {:>10.1f} {:>9.2f} "
        "{:>7.2f}\n",
        r.model, m.at("ROC-AUC"), ci_text, m.at("PR-AUC"), m.at("log-loss"), m.at("Brier"),
        m.at("ECE"), m.at("count MAE"), m.at("count total"), m.at("count total error %"),
        r.fit_seconds);
  }
  out +=
      "mean occasions in the horizon by repeat purchases before the cut-off (actual / "
      "predicted):\n";
  for (const auto& r : e.results) {
    if (!r.evaluated) continue;
    out += fmt::format("  {:<10}", r.model);
    for (const auto& b : r.by_frequency)
      out += fmt::format("  {}: {:.2f}/{:.2f}", b.repeat, b.actual, b.predicted);
    out += "\n";
  }
  for (const auto& r : e.results) {
    if (!r.evaluated || !r.details.contains("log_likelihood")) continue;
    // The probability models' parameters (BG/NBD: r, alpha, a, b; Pareto/NBD: r, alpha, s, beta).
    std::string params;
    for (const char* name : {"r", "alpha", "a", "b", "s", "beta"}) {
      if (!r.details.contains(name)) continue;
      params += fmt::format("{}{} {:.4f}", params.empty() ? "" : ", ", name,
                            r.details[name].get<double>());
    }
    out += fmt::format("  {} parameters: {} (weeks), log-likelihood {:.2f}\n", r.model, params,
                       r.details["log_likelihood"].get<double>());
  }
  return out;
}

}  // namespace kairos::eval
