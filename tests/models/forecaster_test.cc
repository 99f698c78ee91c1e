// Demand forecasters: the seasonal naive and moving average by definition, ETS recovering a
// weekly pattern, and the global boosted model learning one shared across series.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "core/rng.h"
#include "models/forecast/forecaster.h"

namespace kairos {
namespace {

// `n` series of `days` points: level x (weekly pattern) (+ Poisson-like noise when `noise`).
DemandSeries weekly(size_t n, size_t days, bool noise, uint64_t seed = 3) {
  const float pattern[7] = {1.0f, 1.2f, 1.1f, 0.9f, 1.4f, 0.3f, 0.1f};
  Rng rng(seed);
  DemandSeries s;
  s.days = days;
  for (size_t i = 0; i < n; ++i) {
    s.names.push_back("s" + std::to_string(i));
    const double level = 5 + 20.0 * static_cast<double>(i) / static_cast<double>(n);
    for (size_t d = 0; d < days; ++d) {
      double v = level * pattern[d % 7];
      if (noise) v = std::max(0.0, v + rng.normal() * std::sqrt(v));
      s.values.push_back(static_cast<float>(v));
    }
  }
  return s;
}

double wape(const DemandSeries& full, size_t origin, const std::vector<float>& f, int horizon) {
  double err = 0, sum = 0;
  for (size_t i = 0; i < full.size(); ++i) {
    for (int k = 0; k < horizon; ++k) {
      err += std::abs(f[i * horizon + k] - full.series(i)[origin + k]);
      sum += full.series(i)[origin + k];
    }
  }
  return err / sum;
}

TEST(Forecasters, SeasonalNaiveAndMovingAverageByDefinition) {
  const DemandSeries s = weekly(2, 70, false);
  auto naive = make_forecaster("seasonal-naive");
  const auto f = naive->forecast(s.history(63), 7);
  for (int k = 0; k < 7; ++k) EXPECT_FLOAT_EQ(f[k], s.series(0)[56 + k]);
  auto ma = make_forecaster("moving-average", {{"window", 7}});
  const auto m = ma->forecast(s.history(63), 3);
  double mean = 0;
  for (size_t d = 56; d < 63; ++d) mean += s.series(1)[d];
  EXPECT_NEAR(m[3], mean / 7, 1e-4);
  EXPECT_THROW(make_forecaster("arima"), Error);
  EXPECT_THROW(make_forecaster("ets", {{"alpha", 0.3}}), Error);
}

TEST(Forecasters, EtsRecoversAWeeklyPattern) {
  const DemandSeries s = weekly(3, 200, false);
  auto ets = make_forecaster("ets");
  const auto f = ets->forecast(s.history(193), 7);
  EXPECT_LT(wape(s, 193, f, 7), 0.02);
}

TEST(Forecasters, GlobalBoostedModelBeatsTheMovingAverageOnSeasonalSeries) {
  const DemandSeries s = weekly(40, 300, true);
  auto gbdt = make_forecaster("gbdt");
  auto ma = make_forecaster("moving-average");
  const DemandSeries h = s.history(293);
  const double w_gbdt = wape(s, 293, gbdt->forecast(h, 7), 7);
  const double w_ma = wape(s, 293, ma->forecast(h, 7), 7);
  EXPECT_LT(w_gbdt, 0.8 * w_ma) << w_gbdt << " vs " << w_ma;
  EXPECT_GT(gbdt->details().at("training_rows").get<size_t>(), 0u);
}

}  // namespace
}  // namespace kairos
