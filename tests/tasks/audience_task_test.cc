// The new-product audience task: new items are those first sold on or after the cut-off, the
// candidates are the customers known before it, and the models' history holds no later line.
#include <gtest/gtest.h>

#include "tasks/new_item_audience.h"

namespace kairos {
namespace {

TEST(AudienceTask, NewItemsKnownCustomersAndAHistoryBeforeTheCutoff) {
  Transactions t;
  t.add("a", 5, 1, 1.0, "old");
  t.set_item_attributes("old", "RED HEART LANTERN", 2.5);
  t.add("b", 6, 1, 1.0, "old");
  t.add("a", 12, 1, 1.0, "new");  // first sold after the cut-off (10)
  t.set_item_attributes("new", "RED LANTERN, LARGE", 4.0);
  t.add("b", 13, 1, 1.0, "new");
  t.add("z", 14, 1, 1.0, "new");  // z is not a known customer: not a candidate, not counted
  t.add("b", 15, 1, 1.0, "old");  // after the cut-off: not in the history
  AudienceOptions o;
  o.cutoff_day = 10;
  o.min_buyers = 2;
  const AudienceData d = new_item_audiences(t, o);
  EXPECT_EQ(d.customers.size(), 2u);  // a, b
  EXPECT_EQ(d.new_items, 1u);
  ASSERT_EQ(d.cases.size(), 1u);
  EXPECT_EQ(d.cases[0].buyers.size(), 2u);
  EXPECT_EQ(d.cases[0].text, "RED LANTERN, LARGE");
  EXPECT_DOUBLE_EQ(d.cases[0].price, 4.0);
  ASSERT_EQ(d.history.size(), 2u);
  for (int32_t day : d.history.day) EXPECT_LT(day, 10);
  o.min_buyers = 3;
  const AudienceData strict = new_item_audiences(t, o);
  EXPECT_TRUE(strict.cases.empty());
  EXPECT_EQ(strict.too_few_buyers, 1u);
}

TEST(AudienceTask, Tokens) {
  EXPECT_EQ(item_tokens("WHITE HANGING HEART T-LIGHT HOLDER"),
            (std::vector<std::string>{"WHITE", "HANGING", "HEART", "LIGHT", "HOLDER"}));
  EXPECT_EQ(item_tokens("set of 3 cake tins, pantry design"),
            (std::vector<std::string>{"SET", "OF", "CAKE", "TINS", "PANTRY", "DESIGN"}));
}

}  // namespace
}  // namespace kairos
