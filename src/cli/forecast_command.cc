// kairos forecast: daily demand for the days after the data, per item and in total, with 80 % and
// 95 % intervals (eval/forecast_evaluator.h: forecast_demand), written as CSV or JSON.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/model_config.h"
#include "cli/parse_values.h"
#include "core/error.h"
#include "data/atomic_file.h"
#include "data/transactions.h"
#include "eval/forecast_evaluator.h"
#include "eval/return_evaluator.h"
#include "models/factory.h"
#include "models/forecast/forecaster.h"

namespace kairos::cli {
namespace {

struct ForecastFlags {
  std::string data, format, model = "gbdt", model_config, out, level = "item";
  int horizon = 7, calibration = 4, threads = 2;
  uint32_t min_days = 100;
  uint64_t seed = 42;
};

void run_forecast(CLI::App* sub, const ForecastFlags& f) {
  print_effective_config(*sub);
  const Transactions t =
      demand_level(read_transaction_flags(f.data, f.format, /*anonymous=*/true), f.level);
  const ModelSpec spec = model_spec(load_model_config(f.model_config), f.model);
  eval::ForecastEvalOptions o;
  o.horizon = f.horizon;
  o.calibration = f.calibration;
  o.min_days = f.min_days;
  o.threads = f.threads;
  o.seed = f.seed;
  const auto rows = eval::forecast_demand(
      t, {spec.label, spec.model, spec.hparams}, o,
      [](const std::string& name, const nlohmann::json& h, int threads, uint64_t seed) {
        return make_any_forecaster(name, h, threads, seed);
      });
  std::string text;
  if (f.out.ends_with(".json")) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& r : rows) {
      j.push_back({{"series", r.series},
                   {"day", eval::format_day(r.day)},
                   {"forecast", r.forecast},
                   {"lo80", r.lo80},
                   {"hi80", r.hi80},
                   {"lo95", r.lo95},
                   {"hi95", r.hi95}});
    }
    text = nlohmann::json{{"model", spec.label}, {"forecasts", j}}.dump(2) + "\n";
  } else {
    text = "series,day,forecast,lo80,hi80,lo95,hi95\n";
    for (const auto& r : rows) {
      text += fmt::format("{},{},{:.3f},{:.3f},{:.3f},{:.3f},{:.3f}\n", r.series,
                          eval::format_day(r.day), r.forecast, r.lo80, r.hi80, r.lo95, r.hi95);
    }
  }
  if (f.out.empty() || f.out == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
  } else {
    write_file_atomic(f.out, text);
    spdlog::info("wrote {} forecasts to {}", rows.size(), f.out);
  }
}

}  // namespace

void add_forecast_command(CLI::App& root) {
  auto f = std::make_shared<ForecastFlags>();
  CLI::App* sub = root.add_subcommand(
      "forecast", "Forecast daily demand per item and in total, with prediction intervals");
  sub->add_option("--data", f->data, "Transaction files, comma-separated")->required();
  sub->add_option("--format", f->format,
                  "Their format (cdnow, cdnow-elog, online-retail, or an event format)")
      ->required();
  sub->add_option("--model", f->model, "seasonal-naive | moving-average | ets | gbdt | lstm")
      ->capture_default_str();
  sub->add_option("--model-config", f->model_config, "YAML/JSON map: model -> hyperparameters");
  sub->add_option("--horizon-days", f->horizon, "Days forecast after the data's last day")
      ->check(CLI::Range(1, 7))
      ->capture_default_str();
  sub->add_option("--calibration", f->calibration,
                  "Weekly origins before the end whose errors set the intervals")
      ->check(CLI::Range(1, 26))
      ->capture_default_str();
  sub->add_option("--level", f->level,
                  "item (a series per item) or category (per item category; formats with "
                  "categories: completejourney, taobao)")
      ->check(CLI::IsMember({"item", "category"}))
      ->capture_default_str();
  sub->add_option("--min-days", f->min_days, "Forecast items sold on at least this many days")
      ->capture_default_str();
  sub->add_option("--out", f->out, "Output file: *.json for JSON, else CSV ('-' = stdout)");
  sub->add_option("--threads", f->threads, "Threads")->capture_default_str();
  sub->add_option("--seed", f->seed, "Seed")->capture_default_str();
  sub->callback([sub, f] { run_forecast(sub, *f); });
}

}  // namespace kairos::cli
