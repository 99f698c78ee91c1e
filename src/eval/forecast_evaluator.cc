#include "eval/forecast_evaluator.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/system.h"
#include "eval/return_evaluator.h"  // format_day
#include "models/forecast/forecaster.h"

namespace kairos::eval {
namespace {

constexpr int kSeason = 7;

// In-sample MAE of the seasonal naive forecast over the first `o` points (0 if too short).
double seasonal_scale(std::span<const float> s, size_t o) {
  if (o <= kSeason) return 0;
  double sum = 0;
  for (size_t t = kSeason; t < o; ++t) sum += std::abs(s[t] - s[t - kSeason]);
  return sum / static_cast<double>(o - kSeason);
}

// Empirical q-quantile (linear interpolation).
double quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(v.size() - 1, lo + 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

// Error sums of one group of series (items, or the total).
struct Sums {
  double abs_err = 0, err = 0, actual = 0, smape = 0, points = 0;
  double in80 = 0, in95 = 0, width80 = 0;
  double mase_sum = 0, mase_series = 0;
  double week_abs_err = 0;  // |sum of the horizon's forecasts - sum of its actuals| per series
  std::map<std::string, double> metrics() const {
    return {{"WAPE", actual > 0 ? abs_err / actual : NAN},
            {"week WAPE", actual > 0 ? week_abs_err / actual : NAN},
            {"bias", actual > 0 ? err / actual : NAN},
            {"sMAPE", points > 0 ? smape / points : NAN},
            {"MASE", mase_series > 0 ? mase_sum / mase_series : NAN},
            {"coverage80", points > 0 ? in80 / points : NAN},
            {"coverage95", points > 0 ? in95 / points : NAN},
            {"width80", actual > 0 ? width80 / actual : NAN}};
  }
};

// Split-conformal quantiles of the scaled errors (y - f) / s at `origins`, for the item series and
// for the total apart: {q10, q90, q2.5, q97.5} each.
struct Quantiles {
  double items[4], total[4];
};

Quantiles conformal_quantiles(Forecaster& model, const DemandSeries& series,
                              const std::vector<size_t>& origins, int horizon) {
  const size_t n_items = series.size() - 1;
  std::vector<double> z_items, z_total;
  for (size_t origin : origins) {
    const std::vector<float> f = model.forecast(series.history(origin), horizon);
    for (size_t i = 0; i < series.size(); ++i) {
      const auto s = series.series(i);
      const double scale = std::max(seasonal_scale(s, origin), 1e-6);
      for (int k = 0; k < horizon; ++k) {
        const double z = (s[origin + k] - std::max(0.0f, f[i * horizon + k])) / scale;
        (i < n_items ? z_items : z_total).push_back(z);
      }
    }
  }
  Quantiles q;
  const double levels[4] = {0.10, 0.90, 0.025, 0.975};
  for (int j = 0; j < 4; ++j) {
    q.items[j] = quantile(z_items, levels[j]);
    q.total[j] = quantile(z_total, levels[j]);
  }
  return q;
}

}  // namespace

ForecastEvaluation evaluate_forecasts(const Transactions& t,
                                      const std::vector<ForecastModelSpec>& models,
                                      const ForecastEvalOptions& o, const ForecasterMaker& make) {
  KAIROS_CHECK_USAGE(o.horizon >= 1 && o.horizon <= 7 && o.origins >= 1 && o.calibration >= 1,
                     "forecast evaluation: horizon 1..7, origins and calibration >= 1");
  ForecastEvaluation e;
  e.options = o;
  // Items are chosen on the days before the first calibration origin only.
  const int32_t first = *std::min_element(t.day.begin(), t.day.end());
  const int32_t last = *std::max_element(t.day.begin(), t.day.end());
  const auto days = static_cast<size_t>(last - first + 1);
  const size_t span = static_cast<size_t>(7 * (o.origins + o.calibration));
  KAIROS_CHECK(days > span + 7 * 20, "forecast evaluation: {} days of data, need more than {}",
               days, span + 140);
  DemandOptions dopt;
  dopt.min_days = o.min_days;
  dopt.select_before = days - span;
  const DemandSeries series = demand_series(t, dopt);
  const size_t n_items = series.size() - 1;  // the last series is the total
  e.series = n_items;
  e.first_day = first;
  e.last_day = last;
  std::vector<size_t> eval_origins, calib_origins;
  for (int j = o.origins; j >= 1; --j) eval_origins.push_back(days - 7 * j);
  for (int j = o.origins + o.calibration; j > o.origins; --j) calib_origins.push_back(days - 7 * j);
  for (size_t origin : eval_origins) e.origin_days.push_back(first + static_cast<int32_t>(origin));
  spdlog::info(
      "demand: {} item series (sold on >= {} days before {}) and the total, {} days; "
      "{} weekly origins from {}, intervals from {} earlier origins",
      n_items, o.min_days, format_day(first + static_cast<int32_t>(days - span)), days, o.origins,
      format_day(e.origin_days.front()), o.calibration);

  for (const auto& spec : models) {
    ForecastEvalResult r;
    r.model = spec.label;
    auto model = make ? make(spec.model, spec.hparams, o.threads, o.seed)
                      : make_forecaster(spec.model, spec.hparams, o.threads, o.seed);
    Stopwatch watch;
    const Quantiles cq = conformal_quantiles(*model, series, calib_origins, o.horizon);
    const double* qi = cq.items;
    const double* qt = cq.total;
    Sums items, total;
    std::vector<double> step_abs(o.horizon, 0.0), step_actual(o.horizon, 0.0);
    for (size_t origin : eval_origins) {
      const std::vector<float> f = model->forecast(series.history(origin), o.horizon);
      for (size_t i = 0; i < series.size(); ++i) {
        const auto s = series.series(i);
        const bool is_total = i == n_items;
        Sums& g = is_total ? total : items;
        const double* q = is_total ? qt : qi;
        const double scale = seasonal_scale(s, origin);
        const double iscale = std::max(scale, 1e-6);
        double mae = 0, week_f = 0, week_y = 0;
        for (int k = 0; k < o.horizon; ++k) {
          const double y = s[origin + k], p = std::max(0.0f, f[i * o.horizon + k]);
          const double err = p - y;
          g.abs_err += std::abs(err);
          g.err += err;
          g.actual += y;
          g.points += 1;
          g.smape += (std::abs(p) + std::abs(y)) > 0 ? 200 * std::abs(err) / (std::abs(p) + y) : 0;
          mae += std::abs(err);
          week_f += p;
          week_y += y;
          const double lo80 = std::max(0.0, p + q[0] * iscale), hi80 = p + q[1] * iscale;
          const double lo95 = std::max(0.0, p + q[2] * iscale), hi95 = p + q[3] * iscale;
          g.in80 += y >= lo80 && y <= hi80;
          g.in95 += y >= lo95 && y <= hi95;
          g.width80 += hi80 - lo80;
          if (!is_total) {
            step_abs[k] += std::abs(err);
            step_actual[k] += y;
          } else {
            r.total_path.push_back({series.start_day + static_cast<int32_t>(origin) + k, y, p, lo80,
                                    hi80, lo95, hi95});
          }
        }
        g.week_abs_err += std::abs(week_f - week_y);
        if (scale > 0) {
          g.mase_sum += mae / o.horizon / scale;
          g.mase_series += 1;
        }
      }
    }
    r.seconds = watch.seconds();
    r.items = items.metrics();
    r.total = total.metrics();
    for (int k = 0; k < o.horizon; ++k)
      r.wape_by_step.push_back(step_actual[k] > 0 ? step_abs[k] / step_actual[k] : NAN);
    r.details = model->details();
    spdlog::info("{}: {} origins in {:.1f} s", r.model, eval_origins.size() + calib_origins.size(),
                 r.seconds);
    e.results.push_back(std::move(r));
  }
  return e;
}

std::vector<ForecastRow> forecast_demand(const Transactions& t, const ForecastModelSpec& spec,
                                         const ForecastEvalOptions& o,
                                         const ForecasterMaker& make) {
  KAIROS_CHECK_USAGE(o.horizon >= 1 && o.horizon <= 7 && o.calibration >= 1,
                     "forecast: horizon 1..7, calibration >= 1");
  DemandOptions dopt;
  dopt.min_days = o.min_days;
  const DemandSeries series = demand_series(t, dopt);
  const size_t n_items = series.size() - 1;
  std::vector<size_t> calib;
  for (int j = o.calibration; j >= 1; --j) {
    KAIROS_CHECK(series.days > 7 * static_cast<size_t>(j) + 140,
                 "forecast: too little history for {} calibration weeks", o.calibration);
    calib.push_back(series.days - 7 * j);
  }
  auto model = make ? make(spec.model, spec.hparams, o.threads, o.seed)
                    : make_forecaster(spec.model, spec.hparams, o.threads, o.seed);
  const Quantiles q = conformal_quantiles(*model, series, calib, o.horizon);
  const std::vector<float> f = model->forecast(series, o.horizon);
  std::vector<ForecastRow> rows;
  for (size_t i = 0; i < series.size(); ++i) {
    const double* qq = i < n_items ? q.items : q.total;
    const double scale = std::max(seasonal_scale(series.series(i), series.days), 1e-6);
    for (int k = 0; k < o.horizon; ++k) {
      const double p = std::max(0.0f, f[i * o.horizon + k]);
      rows.push_back({series.names[i], series.start_day + static_cast<int32_t>(series.days) + k, p,
                      std::max(0.0, p + qq[0] * scale), p + qq[1] * scale,
                      std::max(0.0, p + qq[2] * scale), p + qq[3] * scale});
    }
  }
  return rows;
}

nlohmann::json to_json(const ForecastEvaluation& e) {
  auto num = [](double v) { return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v); };
  auto metrics = [&](const std::map<std::string, double>& m) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [k, v] : m) j[k] = num(v);
    return j;
  };
  nlohmann::json results = nlohmann::json::array();
  for (const auto& r : e.results) {
    nlohmann::json path = nlohmann::json::array();
    for (const auto& p : r.total_path) {
      path.push_back({{"day", format_day(p.day)},
                      {"actual", p.actual},
                      {"forecast", p.forecast},
                      {"lo80", p.lo80},
                      {"hi80", p.hi80},
                      {"lo95", p.lo95},
                      {"hi95", p.hi95}});
    }
    nlohmann::json steps = nlohmann::json::array();
    for (double v : r.wape_by_step) steps.push_back(num(v));
    results.push_back({{"model", r.model},
                       {"items", metrics(r.items)},
                       {"total", metrics(r.total)},
                       {"wape_by_step", steps},
                       {"total_path", path},
                       {"details", r.details},
                       {"seconds", r.seconds}});
  }
  nlohmann::json origins = nlohmann::json::array();
  for (int32_t d : e.origin_days) origins.push_back(format_day(d));
  return {{"task", "demand"},
          {"series", e.series},
          {"first_day", format_day(e.first_day)},
          {"last_day", format_day(e.last_day)},
          {"horizon_days", e.options.horizon},
          {"origins", origins},
          {"calibration_origins", e.options.calibration},
          {"min_days", e.options.min_days},
          {"results", results}};
}

std::string to_csv(const ForecastEvaluation& e) {
  static const char* kCols[] = {"WAPE", "week WAPE",  "MASE",       "sMAPE",
                                "bias", "coverage80", "coverage95", "width80"};
  std::string out = "model,group";
  for (const char* c : kCols) out += fmt::format(",{}", c);
  out += ",seconds\n";
  for (const auto& r : e.results) {
    for (const auto& [group, m] : {std::pair{"items", &r.items}, {"total", &r.total}}) {
      out += fmt::format("{},{}", r.model, group);
      for (const char* c : kCols) out += fmt::format(",{:.6f}", m->at(c));
      out += fmt::format(",{:.3f}\n", r.seconds);
    }
  }
  return out;
}

std::string to_table(const ForecastEvaluation& e) {
  std::string out = fmt::format(
      "demand task · {} item series + total · daily, {} origins one week apart from {} · horizon "
      "{} days · intervals from {} earlier origins\n",
      e.series, e.origin_days.size(), e.origin_days.empty() ? "-" : format_day(e.origin_days[0]),
      e.options.horizon, e.options.calibration);
  out += fmt::format(
      "{:<15} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} | {:>8} {:>8} {:>8} {:>7} {:>8}\n",
      "model", "WAPE", "wk WAPE", "MASE", "sMAPE", "bias", "cov80", "cov95", "width80", "tot WAPE",
      "tot wk", "tot bias", "tot c80", "seconds");
  for (const auto& r : e.results) {
    const auto& m = r.items;
    const auto& t = r.total;
    out += fmt::format(
        "{:<15} {:>7.4f} {:>7.4f} {:>7.4f} {:>7.2f} {:>7.4f} {:>7.3f} {:>7.3f} {:>7.3f} | {:>8.4f} "
        "{:>8.4f} {:>8.4f} {:>7.3f} {:>8.1f}\n",
        r.model, m.at("WAPE"), m.at("week WAPE"), m.at("MASE"), m.at("sMAPE"), m.at("bias"),
        m.at("coverage80"), m.at("coverage95"), m.at("width80"), t.at("WAPE"), t.at("week WAPE"),
        t.at("bias"), t.at("coverage80"), r.seconds);
  }
  return out;
}

}  // namespace kairos::eval
