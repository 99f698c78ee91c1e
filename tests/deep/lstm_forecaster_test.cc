// The demand task's global LSTM: trained on weekly origins of the history it is handed, it learns a
// weekly pattern shared by the series well enough to beat the flat moving average.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "core/rng.h"
#include "models/factory.h"

namespace kairos {
namespace {

DemandSeries seasonal(size_t n, size_t days) {
  const float pattern[7] = {1.0f, 1.2f, 1.1f, 0.9f, 1.4f, 0.3f, 0.1f};
  Rng rng(5);
  DemandSeries s;
  s.days = days;
  for (size_t i = 0; i < n; ++i) {
    s.names.push_back("s" + std::to_string(i));
    const double level = 5 + 20.0 * static_cast<double>(i) / static_cast<double>(n);
    for (size_t d = 0; d < days; ++d) {
      const double v = level * pattern[d % 7];
      s.values.push_back(static_cast<float>(std::max(0.0, v + rng.normal() * std::sqrt(v))));
    }
  }
  return s;
}

double wape(const DemandSeries& s, size_t origin, const std::vector<float>& f) {
  double err = 0, sum = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    for (int k = 0; k < 7; ++k) {
      err += std::abs(f[i * 7 + k] - s.series(i)[origin + k]);
      sum += s.series(i)[origin + k];
    }
  }
  return err / sum;
}

TEST(LstmForecaster, LearnsASharedWeeklyPattern) {
  const DemandSeries s = seasonal(30, 320);
  const DemandSeries h = s.history(313);
  auto lstm = make_any_forecaster("lstm", {{"epochs", 15}});
  auto ma = make_any_forecaster("moving-average");
  const double w_lstm = wape(s, 313, lstm->forecast(h, 7));
  const double w_ma = wape(s, 313, ma->forecast(h, 7));
  EXPECT_LT(w_lstm, 0.85 * w_ma) << w_lstm << " vs " << w_ma;
  EXPECT_GE(lstm->details().at("best_epoch").get<int>(), 1);
  EXPECT_THROW(make_any_forecaster("lstm", {{"loss", "huber"}}), Error);
}

}  // namespace
}  // namespace kairos
