// Demand series: every calendar day is a point (0 without a sale), the total counts every item,
// and the items are chosen from the days before the first origin only.
#include <gtest/gtest.h>

#include "tasks/demand_series.h"

namespace kairos {
namespace {

TEST(DemandTask, DailySeriesWithZerosAndTheTotal) {
  Transactions t;
  t.add("c", 100, 2, 1.0, "A");
  t.add("c", 100, 3, 1.0, "A");  // same day: summed
  t.add("d", 102, 1, 1.0, "A");
  t.add("d", 101, 5, 1.0, "B");
  DemandOptions o;
  o.min_days = 2;
  const DemandSeries s = demand_series(t, o);
  ASSERT_EQ(s.size(), 2u);  // A (sold on 2 days) and the total; B sold on 1 day only
  EXPECT_EQ(s.names[0], "A");
  EXPECT_EQ(s.names[1], "(total)");
  EXPECT_EQ(s.start_day, 100);
  ASSERT_EQ(s.days, 3u);
  EXPECT_EQ(std::vector<float>(s.series(0).begin(), s.series(0).end()),
            (std::vector<float>{5, 0, 1}));
  EXPECT_EQ(std::vector<float>(s.series(1).begin(), s.series(1).end()),
            (std::vector<float>{5, 5, 1}));
  const DemandSeries h = s.history(2);
  EXPECT_EQ(h.days, 2u);
  EXPECT_EQ(h.series(1)[1], 5);
}

TEST(DemandTask, ItemsAreChosenFromTheDaysBeforeTheOrigins) {
  Transactions t;
  for (int d = 0; d < 10; ++d) t.add("c", d, 1, 1.0, "early");
  for (int d = 10; d < 20; ++d) t.add("c", d, 1, 1.0, "late");  // sells only after day 10
  DemandOptions o;
  o.min_days = 5;
  o.select_before = 10;
  const DemandSeries s = demand_series(t, o);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s.names[0], "early");  // "late" would need the evaluation days to qualify
}

}  // namespace
}  // namespace kairos
