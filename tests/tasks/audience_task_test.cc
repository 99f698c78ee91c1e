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

// With item categories (completejourney), the campaign themes are the categories, not words.
TEST(AudienceTask, CampaignThemesAreCategoriesWhereTheDataHasThem) {
  Transactions t;
  const char* cats[] = {"BREAD", "BREAD", "CHEESE", "CHEESE"};
  for (int i = 0; i < 4; ++i) {
    const std::string item = "p" + std::to_string(i);
    t.add("a", 1, 1, 1.0, item);  // before the cut-off: themes and candidates
    t.set_item_attributes(item, "PASTRY RED " + std::string(cats[i]), 1.0);
    t.set_item_category(item, cats[i]);
  }
  t.add("b", 2, 1, 1.0, "p2");
  t.add("c", 3, 1, 1.0, "p0");
  t.add("b", 11, 1, 1.0, "p3");  // b buys CHEESE within the horizon
  t.add("c", 12, 1, 1.0, "p3");  // and c
  t.add("a", 30, 1, 1.0, "p0");  // after the horizon: not counted
  CampaignOptions o;
  o.cutoff_day = 10;
  o.horizon_days = 7;
  o.min_theme_items = 2;
  o.min_buyers = 1;
  const AudienceData d = campaign_audiences(t, o);
  EXPECT_EQ(d.new_items, 2u);     // the two categories; no word (PASTRY, RED) is a theme
  ASSERT_EQ(d.cases.size(), 1u);  // BREAD has no buyer in [10, 17)
  EXPECT_EQ(d.cases[0].text, "CHEESE");
  EXPECT_EQ(d.cases[0].buyers.size(), 2u);
  EXPECT_EQ(d.too_few_buyers, 1u);
}

TEST(AudienceTask, Tokens) {
  EXPECT_EQ(item_tokens("WHITE HANGING HEART T-LIGHT HOLDER"),
            (std::vector<std::string>{"WHITE", "HANGING", "HEART", "LIGHT", "HOLDER"}));
  EXPECT_EQ(item_tokens("set of 3 cake tins, pantry design"),
            (std::vector<std::string>{"SET", "OF", "CAKE", "TINS", "PANTRY", "DESIGN"}));
}

}  // namespace
}  // namespace kairos
