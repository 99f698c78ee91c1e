#include "tasks/demand_series.h"

#include <algorithm>
#include <numeric>

#include "core/error.h"

namespace kairos {

DemandSeries DemandSeries::history(size_t points) const {
  KAIROS_CHECK_USAGE(points <= days, "history of {} points from a series of {}", points, days);
  DemandSeries h;
  h.start_day = start_day;
  h.days = points;
  h.names = names;
  h.values.reserve(size() * points);
  for (size_t i = 0; i < size(); ++i) {
    const auto s = series(i);
    h.values.insert(h.values.end(), s.begin(), s.begin() + static_cast<std::ptrdiff_t>(points));
  }
  return h;
}

DemandSeries demand_series(const Transactions& t, const DemandOptions& o) {
  KAIROS_CHECK(t.size() > 0, "no purchases to build demand series from");
  const int32_t first = *std::min_element(t.day.begin(), t.day.end());
  const int32_t last = *std::max_element(t.day.begin(), t.day.end());
  const auto days = static_cast<size_t>(last - first + 1);
  const size_t select_before = std::min(o.select_before, days);
  const size_t items = t.items.size();
  std::vector<float> by_item(items * days, 0.0f);  // dense: a few thousand items x a year
  std::vector<float> total(days, 0.0f);
  for (size_t i = 0; i < t.size(); ++i) {
    const auto d = static_cast<size_t>(t.day[i] - first);
    const auto q = static_cast<float>(t.quantity[i]);
    total[d] += q;
    if (t.item[i] != UINT32_MAX) by_item[t.item[i] * days + d] += q;
  }
  std::vector<uint32_t> chosen;
  std::vector<double> sold(items, 0.0);
  for (uint32_t it = 0; it < items; ++it) {
    uint32_t selling = 0;
    for (size_t d = 0; d < select_before; ++d) {
      const float v = by_item[it * days + d];
      selling += v > 0;
      sold[it] += v;
    }
    if (selling >= o.min_days) chosen.push_back(it);
  }
  std::stable_sort(chosen.begin(), chosen.end(),
                   [&](uint32_t a, uint32_t b) { return sold[a] > sold[b]; });
  DemandSeries s;
  s.start_day = first;
  s.days = days;
  for (uint32_t it : chosen) {
    s.names.push_back(t.items.name(it));
    s.values.insert(s.values.end(), by_item.begin() + static_cast<std::ptrdiff_t>(it * days),
                    by_item.begin() + static_cast<std::ptrdiff_t>((it + 1) * days));
  }
  if (o.total) {
    s.names.emplace_back("(total)");
    s.values.insert(s.values.end(), total.begin(), total.end());
  }
  KAIROS_CHECK(s.size() > 0, "no item sold on {} or more days before the first forecast origin",
               o.min_days);
  return s;
}

}  // namespace kairos
