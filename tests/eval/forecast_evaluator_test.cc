// The demand task end to end on a simulated shop with weekly seasonality: every forecaster is
// scored at rolling origins, the metrics follow their definitions, and the conformal intervals
// cover about what they promise.
#include <gtest/gtest.h>

#include <cmath>

#include "core/rng.h"
#include "eval/forecast_evaluator.h"

namespace kairos {
namespace {

Transactions weekly_shop(size_t items, int days, uint64_t seed) {
  const double pattern[7] = {1.0, 1.2, 1.1, 0.9, 1.4, 0.3, 0.1};
  Rng rng(seed);
  Transactions t;
  for (size_t i = 0; i < items; ++i) {
    const double level = 2 + 10.0 * static_cast<double>(i) / static_cast<double>(items);
    for (int d = 0; d < days; ++d) {
      const double mean = level * pattern[d % 7];
      const double q = std::round(std::max(0.0, mean + rng.normal() * std::sqrt(mean)));
      if (q > 0) t.add("c" + std::to_string(rng.below(50)), d, q, q * 2.0, "i" + std::to_string(i));
    }
  }
  return t;
}

TEST(ForecastEvaluator, RollingOriginsMetricsAndIntervals) {
  const Transactions t = weekly_shop(30, 280, 7);
  eval::ForecastEvalOptions o;
  o.min_days = 50;
  std::vector<eval::ForecastModelSpec> models;
  for (const char* m : {"seasonal-naive", "moving-average", "ets", "gbdt"})
    models.push_back({m, m});
  const eval::ForecastEvaluation e = eval::evaluate_forecasts(t, models, o);
  EXPECT_EQ(e.series, 30u);
  ASSERT_EQ(e.origin_days.size(), 8u);
  EXPECT_EQ(e.origin_days.back(), 280 - 7);  // the last origin forecasts the data's last week
  ASSERT_EQ(e.results.size(), 4u);
  const auto& naive = e.results[0].items;
  const auto& ma = e.results[1].items;
  const auto& ets = e.results[2].items;
  const auto& gbdt = e.results[3].items;
  // MASE divides by the seasonal naive's own in-sample error: about 1 for it here.
  EXPECT_NEAR(naive.at("MASE"), 1.0, 0.25);
  // Seasonality matters: the seasonal models beat the flat moving average.
  EXPECT_LT(ets.at("WAPE"), ma.at("WAPE"));
  EXPECT_LT(gbdt.at("WAPE"), ma.at("WAPE"));
  for (const auto& r : e.results) {
    EXPECT_GT(r.items.at("coverage80"), 0.65) << r.model;
    EXPECT_LT(r.items.at("coverage80"), 0.95) << r.model;
    EXPECT_GT(r.items.at("coverage95"), r.items.at("coverage80")) << r.model;
    EXPECT_EQ(r.wape_by_step.size(), 7u);
    EXPECT_EQ(r.total_path.size(), 8u * 7u);
  }
  const nlohmann::json j = eval::to_json(e);
  EXPECT_EQ(j["task"], "demand");
  EXPECT_EQ(j["results"][0]["total_path"].size(), 56u);
}

}  // namespace
}  // namespace kairos
