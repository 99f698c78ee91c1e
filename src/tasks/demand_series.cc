#include "tasks/demand_series.h"

#include <algorithm>
#include <climits>
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
  // Lines ordered by (item, day): each item's daily units in one pass, and a dense row only for
  // the items chosen (a large catalogue never becomes an items x days table).
  std::vector<uint32_t> order;
  order.reserve(t.size());
  std::vector<float> total(days, 0.0f);
  for (uint32_t i = 0; i < t.size(); ++i) {
    total[static_cast<size_t>(t.day[i] - first)] += static_cast<float>(t.quantity[i]);
    if (t.item[i] != UINT32_MAX) order.push_back(i);
  }
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return t.item[a] != t.item[b] ? t.item[a] < t.item[b] : t.day[a] < t.day[b];
  });
  struct Chosen {
    uint32_t item;
    double sold;
    size_t begin, end;  // its lines in `order`
  };
  std::vector<Chosen> chosen;
  for (size_t k = 0; k < order.size();) {
    const uint32_t item = t.item[order[k]];
    size_t e = k;
    uint32_t selling = 0;
    double sold = 0;
    int32_t counted_day = INT32_MIN;  // the last day counted as a selling day
    for (; e < order.size() && t.item[order[e]] == item; ++e) {
      const auto d = static_cast<size_t>(t.day[order[e]] - first);
      if (d >= select_before) continue;
      sold += t.quantity[order[e]];
      if (t.quantity[order[e]] > 0 && t.day[order[e]] != counted_day) {
        ++selling;
        counted_day = t.day[order[e]];
      }
    }
    if (selling >= o.min_days) chosen.push_back({item, sold, k, e});
    k = e;
  }
  std::stable_sort(chosen.begin(), chosen.end(),
                   [](const Chosen& a, const Chosen& b) { return a.sold > b.sold; });
  DemandSeries s;
  s.start_day = first;
  s.days = days;
  s.values.reserve((chosen.size() + 1) * days);
  for (const Chosen& c : chosen) {
    s.names.push_back(t.items.name(c.item));
    const size_t row = s.values.size();
    s.values.resize(row + days, 0.0f);
    for (size_t k = c.begin; k < c.end; ++k) {
      s.values[row + static_cast<size_t>(t.day[order[k]] - first)] +=
          static_cast<float>(t.quantity[order[k]]);
    }
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
