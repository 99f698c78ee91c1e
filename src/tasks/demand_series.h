// The demand task's data (docs/TASKS.md "Demand"): daily units sold per item, and in all, from
// purchase lines (data/transactions.h). Every calendar day between the first and the last
// purchase is a point (days without a sale are 0), so a week is always 7 points and weekly
// seasonality is m = 7 whatever the shop's trading days.
//
// Leakage: a forecaster is only ever handed `history(origin)` — the series cut before the first
// day it forecasts — never the full table (eval/forecast_evaluator.h).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "data/transactions.h"

namespace kairos {

struct DemandSeries {
  int32_t start_day = 0;           // day of point 0 (days since 1970-01-01)
  size_t days = 0;                 // points per series
  std::vector<std::string> names;  // per series: the item id, or "(total)"
  std::vector<float> values;       // series x days, row-major

  size_t size() const { return names.size(); }
  std::span<const float> series(size_t i) const { return {values.data() + i * days, days}; }
  // The first `points` points of every series (what a forecaster at that origin may see).
  DemandSeries history(size_t points) const;
};

struct DemandOptions {
  // Items with a sale on at least this many days before `select_before` (a point index; the
  // evaluation's first origin, so the choice does not look at the test weeks) are forecast.
  uint32_t min_days = 100;
  size_t select_before = SIZE_MAX;
  bool total = true;  // add the series of all units sold (every item, selected or not)
};

// Daily units per selected item (ordered by units sold before `select_before`, most first),
// then the total. Throws kInput when there are no purchases.
DemandSeries demand_series(const Transactions& t, const DemandOptions& options);

}  // namespace kairos
