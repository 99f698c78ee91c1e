#include "tasks/customer_window.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/error.h"

namespace kairos {
namespace {

constexpr float kMissing = std::numeric_limits<float>::quiet_NaN();

}  // namespace

int32_t PurchaseHistories::first_day() const {
  return day.empty() ? 0 : *std::min_element(day.begin(), day.end());
}

int32_t PurchaseHistories::last_day() const {
  return day.empty() ? 0 : *std::max_element(day.begin(), day.end());
}

PurchaseHistories purchase_histories(const Transactions& t) {
  std::vector<uint32_t> order(t.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return t.customer[a] != t.customer[b] ? t.customer[a] < t.customer[b] : t.day[a] < t.day[b];
  });
  PurchaseHistories h;
  const size_t n_customers = t.customers.size();
  h.offsets.assign(n_customers + 1, 0);
  size_t i = 0;
  for (size_t c = 0; c < n_customers; ++c) {
    while (i < order.size() && t.customer[order[i]] == c) {
      const int32_t d = t.day[order[i]];
      double amount = 0, quantity = 0;
      uint32_t lines = 0;
      for (; i < order.size() && t.customer[order[i]] == c && t.day[order[i]] == d; ++i) {
        amount += t.amount[order[i]];  // NaN stays NaN: unknown money
        quantity += t.quantity[order[i]];
        ++lines;
      }
      h.day.push_back(d);
      h.amount.push_back(amount);
      h.quantity.push_back(quantity);
      h.lines.push_back(lines);
    }
    h.offsets[c + 1] = h.day.size();
  }
  return h;
}

const std::vector<std::string>& customer_feature_names() {
  static const std::vector<std::string> names = {
      "repeat_occasions", "occasions",     "recency_days",       "age_days",
      "active_span_days", "occasions_30d", "occasions_90d",      "occasions_180d",
      "mean_gap_days",    "last_gap_days", "occasions_per_week", "amount_mean",
      "amount_total",     "amount_last",   "quantity_mean",      "lines_mean"};
  return names;
}

CustomerWindow customer_window(const PurchaseHistories& h, int32_t cutoff, int32_t horizon_days) {
  KAIROS_CHECK_USAGE(horizon_days >= 1, "the horizon must be at least one day, not {}",
                     horizon_days);
  CustomerWindow w;
  CustomerFeatures& f = w.features;
  f.cutoff = cutoff;
  f.dim = customer_feature_names().size();
  w.labels.horizon_days = horizon_days;
  for (size_t c = 0; c < h.customers(); ++c) {
    const auto days = h.days_of(c);
    // Occasions before the cut-off: [0, seen); in the horizon: [seen, end).
    const size_t seen = std::lower_bound(days.begin(), days.end(), cutoff) - days.begin();
    if (seen == 0) continue;  // not yet a customer at the cut-off
    const size_t end =
        std::lower_bound(days.begin(), days.end(), cutoff + horizon_days) - days.begin();
    const size_t base = h.offsets[c];
    const int32_t first = days[0], last = days[seen - 1];
    const double x = static_cast<double>(seen - 1);
    auto within = [&](int32_t span) {
      return static_cast<float>(
          seen -
          (std::lower_bound(days.begin(), days.begin() + seen, cutoff - span) - days.begin()));
    };
    double amount = 0, quantity = 0, lines = 0;
    for (size_t k = 0; k < seen; ++k) {
      amount += h.amount[base + k];
      quantity += h.quantity[base + k];
      lines += h.lines[base + k];
    }
    const double n = static_cast<double>(seen);
    const float row[] = {static_cast<float>(x),
                         static_cast<float>(n),
                         static_cast<float>(cutoff - last),
                         static_cast<float>(cutoff - first),
                         static_cast<float>(last - first),
                         within(30),
                         within(90),
                         within(180),
                         x > 0 ? static_cast<float>((last - first) / x) : kMissing,
                         x > 0 ? static_cast<float>(last - days[seen - 2]) : kMissing,
                         static_cast<float>(x / ((cutoff - first) / 7.0)),
                         static_cast<float>(amount / n),  // NaN when the format has no money
                         static_cast<float>(amount),
                         static_cast<float>(h.amount[base + seen - 1]),
                         static_cast<float>(quantity / n),
                         static_cast<float>(lines / n)};
    static_assert(sizeof(row) / sizeof(row[0]) == 16);
    f.customer.push_back(static_cast<uint32_t>(c));
    f.x.insert(f.x.end(), std::begin(row), std::end(row));
    f.repeat.push_back(x);
    f.recency_weeks.push_back((last - first) / 7.0);
    f.age_weeks.push_back((cutoff - 1 - first) / 7.0);
    f.first_day.push_back(first);
    for (size_t k = 0; k < seen; ++k) {
      f.history_day.push_back(days[k]);
      f.history_amount.push_back(static_cast<float>(h.amount[base + k]));
      f.history_quantity.push_back(static_cast<float>(h.quantity[base + k]));
      f.history_lines.push_back(static_cast<float>(h.lines[base + k]));
    }
    f.history_offsets.push_back(f.history_day.size());
    w.labels.returns.push_back(end > seen ? 1 : 0);
    w.labels.count.push_back(static_cast<double>(end - seen));
  }
  KAIROS_ASSERT(f.dim == customer_feature_names().size());
  return w;
}

CustomerWindow select_rows(const CustomerWindow& w, const std::vector<bool>& keep) {
  KAIROS_CHECK_USAGE(keep.size() == w.features.rows(), "select_rows: {} flags for {} rows",
                     keep.size(), w.features.rows());
  CustomerWindow out;
  out.features.cutoff = w.features.cutoff;
  out.features.dim = w.features.dim;
  out.labels.horizon_days = w.labels.horizon_days;
  const CustomerFeatures& f = w.features;
  for (size_t i = 0; i < keep.size(); ++i) {
    if (!keep[i]) continue;
    out.features.customer.push_back(f.customer[i]);
    out.features.x.insert(out.features.x.end(), f.x.begin() + i * f.dim,
                          f.x.begin() + (i + 1) * f.dim);
    out.features.repeat.push_back(f.repeat[i]);
    out.features.recency_weeks.push_back(f.recency_weeks[i]);
    out.features.age_weeks.push_back(f.age_weeks[i]);
    out.features.first_day.push_back(f.first_day[i]);
    const auto b = static_cast<std::ptrdiff_t>(f.history_offsets[i]);
    const auto e = static_cast<std::ptrdiff_t>(f.history_offsets[i + 1]);
    auto& o = out.features;
    o.history_day.insert(o.history_day.end(), f.history_day.begin() + b, f.history_day.begin() + e);
    o.history_amount.insert(o.history_amount.end(), f.history_amount.begin() + b,
                            f.history_amount.begin() + e);
    o.history_quantity.insert(o.history_quantity.end(), f.history_quantity.begin() + b,
                              f.history_quantity.begin() + e);
    o.history_lines.insert(o.history_lines.end(), f.history_lines.begin() + b,
                           f.history_lines.begin() + e);
    o.history_offsets.push_back(o.history_day.size());
    out.labels.returns.push_back(w.labels.returns[i]);
    out.labels.count.push_back(w.labels.count[i]);
  }
  return out;
}

}  // namespace kairos
