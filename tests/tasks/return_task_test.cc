// The return task's window: purchase occasions merge same-day lines, features see only the days
// before the cut-off (changing anything on or after it changes no feature), labels count the
// horizon's occasions.
#include <gtest/gtest.h>

#include <cmath>

#include "tasks/customer_window.h"

namespace kairos {
namespace {

constexpr int32_t kCut = 100;

Transactions history() {
  Transactions t;
  t.add("a", 10, 1, 5.0);
  t.add("a", 10, 2, 7.0);  // same day: one occasion
  t.add("a", 40, 1, 3.0);
  t.add("a", 95, 1, 4.0);
  t.add("a", 120, 1, 9.0);  // horizon
  t.add("a", 130, 1, 9.0);  // horizon
  t.add("b", 50, 1, 2.0);
  t.add("c", 105, 1, 1.0);  // first purchase after the cut-off: not a customer yet
  t.add("d", 20, 1, 1.0);
  t.add("d", 200, 1, 1.0);  // after the horizon
  return t;
}

const float* row_of(const CustomerWindow& w, const std::string& name, const Transactions& t) {
  const uint32_t c = t.customers.find(name);
  for (size_t i = 0; i < w.features.rows(); ++i) {
    if (w.features.customer[i] == c) return &w.features.x[i * w.features.dim];
  }
  return nullptr;
}

TEST(ReturnTask, OccasionsFeaturesAndLabels) {
  const Transactions t = history();
  const PurchaseHistories h = purchase_histories(t);
  EXPECT_EQ(h.days_of(t.customers.find("a")).size(), 5u);  // day 10 merged
  const CustomerWindow w = customer_window(h, kCut, 60);
  ASSERT_EQ(w.features.rows(), 3u);  // a, b, d
  EXPECT_EQ(row_of(w, "c", t), nullptr);
  const float* a = row_of(w, "a", t);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a[0], 2);             // repeat occasions: days 40, 95
  EXPECT_EQ(a[2], 5);             // recency: 100 - 95
  EXPECT_EQ(a[3], 90);            // age: 100 - 10
  EXPECT_EQ(a[5], 1);             // occasions in the last 30 days
  EXPECT_FLOAT_EQ(a[8], 42.5f);   // mean gap (95 - 10) / 2
  EXPECT_EQ(a[9], 55);            // last gap
  EXPECT_FLOAT_EQ(a[12], 19.0f);  // amount before the cut-off: 12 + 3 + 4
  // The sequence models' input: a's three occasions before the cut-off, oldest first.
  for (size_t i = 0; i < w.features.rows(); ++i) {
    if (t.customers.name(w.features.customer[i]) != "a") continue;
    const auto b = w.features.history_offsets[i], e = w.features.history_offsets[i + 1];
    ASSERT_EQ(e - b, 3u);
    EXPECT_EQ(w.features.history_day[b], 10);
    EXPECT_EQ(w.features.history_day[e - 1], 95);
    EXPECT_FLOAT_EQ(w.features.history_amount[b], 12.0f);  // the day's two lines
  }
  for (size_t i = 0; i < w.features.rows(); ++i) {
    const std::string name = t.customers.name(w.features.customer[i]);
    if (name == "a") {
      EXPECT_EQ(w.labels.returns[i], 1);
      EXPECT_EQ(w.labels.count[i], 2);
      EXPECT_DOUBLE_EQ(w.features.repeat[i], 2);
      EXPECT_DOUBLE_EQ(w.features.recency_weeks[i], 85 / 7.0);
      EXPECT_DOUBLE_EQ(w.features.age_weeks[i], 89 / 7.0);  // to the last calibration day
    } else {
      EXPECT_EQ(w.labels.returns[i], 0) << name;  // d's purchase on day 200 is past the horizon
    }
  }
}

TEST(ReturnTask, FeaturesNeverSeeTheCutoffOrLater) {
  const Transactions base = history();
  Transactions changed = history();
  // Anything on or after the cut-off: more purchases, other amounts, a new customer.
  changed.add("a", kCut, 50, 1000.0);
  changed.add("b", kCut + 1, 1, 1.0);
  changed.add("b", kCut + 500, 1, 1.0);
  changed.add("e", kCut + 3, 1, 1.0);
  const CustomerWindow w0 = customer_window(purchase_histories(base), kCut, 60);
  const CustomerWindow w1 = customer_window(purchase_histories(changed), kCut, 60);
  ASSERT_EQ(w0.features.rows(), w1.features.rows());
  for (size_t i = 0; i < w0.features.x.size(); ++i) {
    const float x0 = w0.features.x[i], x1 = w1.features.x[i];
    EXPECT_TRUE(x0 == x1 || (std::isnan(x0) && std::isnan(x1))) << "feature " << i;
  }
  EXPECT_EQ(w0.features.repeat, w1.features.repeat);
  EXPECT_EQ(w0.features.age_weeks, w1.features.age_weeks);
  EXPECT_EQ(w0.features.history_offsets,
            w1.features.history_offsets);  // the sequence models' input
  EXPECT_EQ(w0.features.history_day, w1.features.history_day);
  EXPECT_EQ(w0.features.history_amount, w1.features.history_amount);
  EXPECT_NE(w0.labels.count, w1.labels.count);  // the labels do see the horizon
}

}  // namespace
}  // namespace kairos
