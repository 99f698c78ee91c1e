// Forecasters of the demand task (docs/TASKS.md "Demand"): from the history of every series up to
// an origin, the next `horizon` days of each. Names (make_forecaster):
//   seasonal-naive  y(t + h) = the last value on the same weekday (m = 7)
//   moving-average  the mean of the last `window` days (default 28)
//   ets             additive-seasonal exponential smoothing, ETS(A,N,A) with m = 7, alpha and
//                   gamma fitted per series by least squares of one-step errors (NLopt)
//   gbdt            one global XGBoost model (count:poisson) over every series, direct
//                   multi-horizon: lags, same-weekday values, rolling means, weekday, horizon
// Forecasts are clipped at 0 (units cannot be negative).
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "tasks/demand_series.h"

namespace kairos {

class Forecaster {
 public:
  virtual ~Forecaster() = default;
  virtual std::string name() const = 0;
  // Forecasts every series of `history` for the `horizon` days after its last point: a
  // series x horizon row-major table. Global models fit here, on `history` only.
  virtual std::vector<float> forecast(const DemandSeries& history, int horizon) = 0;
  virtual nlohmann::json details() const { return nlohmann::json::object(); }
};

std::unique_ptr<Forecaster> make_forecaster(
    std::string_view name, const nlohmann::json& hparams = nlohmann::json::object(),
    int threads = 2, uint64_t seed = 42);
const std::vector<std::string>& forecaster_names();

}  // namespace kairos
