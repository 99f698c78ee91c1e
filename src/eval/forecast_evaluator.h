// Evaluation of the demand task (docs/TASKS.md "Demand"): rolling-origin forecasts of daily units
// per item and in total. The last `origins` weeks are forecast one week at a time: at each origin
// (a Monday-to-Sunday boundary only by chance: origins step back 7 days from the data's end) every
// forecaster sees the history before it and forecasts the next `horizon` days.
//
// Metrics over all item series and origins (the total series apart):
//   WAPE   sum |f - y| / sum y, over days; "week WAPE" the same for each origin's 7-day sums
//          (weekly demand, forecast as the sum of the daily forecasts)
//   MASE   mean over series of MAE / the in-sample MAE of the seasonal naive forecast (m = 7)
//          before the origin (series whose scale is 0 are left out of MASE)
//   sMAPE  mean of 200 |f - y| / (|f| + |y|) over points (0 where both are 0)
//   bias   sum (f - y) / sum y
// Prediction intervals by split conformal prediction: each model's errors at `calibration`
// earlier origins, divided by the series' scale, give the 10/90 % and 2.5/97.5 % quantiles; the
// interval at a forecast f is [max(0, f + q_lo s), f + q_hi s]. Coverage and mean width (relative
// to the mean actual) are measured on the evaluation origins.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "data/transactions.h"
#include "eval/return_evaluator.h"  // ModelSpec
#include "models/forecast/forecaster.h"
#include "tasks/demand_series.h"

namespace kairos::eval {

struct ForecastEvalOptions {
  int horizon = 7;
  int origins = 8;      // evaluation origins, one week apart, ending with the data
  int calibration = 4;  // earlier origins whose errors set the intervals
  uint32_t min_days = 100;
  int threads = 2;
  uint64_t seed = 42;
};

using ForecastModelSpec = ModelSpec;

struct ForecastPoint {
  int32_t day = 0;
  double actual = 0, forecast = 0, lo80 = 0, hi80 = 0, lo95 = 0, hi95 = 0;
};

struct ForecastEvalResult {
  std::string model;
  std::map<std::string, double> items;    // metrics over the item series
  std::map<std::string, double> total;    // metrics of the total series
  std::vector<double> wape_by_step;       // items, per horizon day
  std::vector<ForecastPoint> total_path;  // the total series: forecasts against actuals
  nlohmann::json details;
  double seconds = 0;  // all origins, calibration included
};

struct ForecastEvaluation {
  size_t series = 0;  // item series (the total apart)
  int32_t first_day = 0, last_day = 0;
  std::vector<int32_t> origin_days;
  ForecastEvalOptions options;
  std::vector<ForecastEvalResult> results;
};

// Builds a forecaster from its name (make_forecaster, or the factory's make_any_forecaster, which
// adds the deep ones).
using ForecasterMaker = std::function<std::unique_ptr<Forecaster>(
    const std::string& name, const nlohmann::json& hparams, int threads, uint64_t seed)>;

ForecastEvaluation evaluate_forecasts(const Transactions& t,
                                      const std::vector<ForecastModelSpec>& models,
                                      const ForecastEvalOptions& options,
                                      const ForecasterMaker& make = {});

// `kairos forecast`: fits `spec` on all the data and forecasts the `horizon` days after its last
// day for every selected item and the total, with 80 % and 95 % intervals from the model's
// errors at the last `calibration` weekly origins.
struct ForecastRow {
  std::string series;
  int32_t day = 0;
  double forecast = 0, lo80 = 0, hi80 = 0, lo95 = 0, hi95 = 0;
};
std::vector<ForecastRow> forecast_demand(const Transactions& t, const ForecastModelSpec& spec,
                                         const ForecastEvalOptions& options,
                                         const ForecasterMaker& make = {});

nlohmann::json to_json(const ForecastEvaluation& e);
std::string to_csv(const ForecastEvaluation& e);
std::string to_table(const ForecastEvaluation& e);

}  // namespace kairos::eval
