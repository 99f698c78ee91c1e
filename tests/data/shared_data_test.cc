// The counts the foundation issue checks, on ../shared/data (skipped when the folder is absent).
#include <gtest/gtest.h>

#include <filesystem>

#include "data/prepare.h"

namespace kairos {
namespace {

std::string shared(const std::string& rel) { return std::string(KAIROS_SHARED_DATA) + "/" + rel; }

#define REQUIRE_SHARED(rel)                                                                    \
  if (!std::filesystem::exists(shared(rel))) {                                                 \
    GTEST_SKIP() << "../shared/data/" << rel << " not found: shared benchmark data is absent"; \
  }

TEST(SharedData, TaobaoSampleCountsBeforeFilters) {
  REQUIRE_SHARED("taobao_sample/UserBehavior_sample.csv");
  PrepareOptions o;
  o.read.format = "taobao";
  o.inputs = {shared("taobao_sample/UserBehavior_sample.csv")};
  const PrepareStats st = prepare(o).stats;
  EXPECT_EQ(st.read.rows_read, 84475u);
  EXPECT_EQ(st.events_per_type[0], 75872u);
  EXPECT_EQ(st.events_per_type[1], 4497u);
  EXPECT_EQ(st.events_per_type[2], 2356u);
  EXPECT_EQ(st.events_per_type[3], 1750u);
  EXPECT_EQ(st.users, 815u);
  EXPECT_EQ(st.items, 55368u);
  EXPECT_EQ(st.categories, 2914u);
}

TEST(SharedData, DigineticaPredefinedSplit) {
  REQUIRE_SHARED("diginetica/train_sessions.txt");
  PrepareOptions o;
  o.read.format = "session-lines";
  o.train_files = {shared("diginetica/train_sessions.txt")};
  o.test_files = {shared("diginetica/test_sessions.txt")};
  const Dataset d = prepare(o).dataset;
  EXPECT_EQ(d.train_full().size(), 186670u);
  EXPECT_EQ(d.test().size(), 15963u);
  EXPECT_EQ(d.num_items() - 1, 43097u);
  EXPECT_EQ(d.num_events(), 982961u);
  // Next-item cases at every prefix: the published 60,858.
  uint64_t cases = 0;
  for (size_t i = 0; i < d.test().size(); ++i) cases += d.test()[i].size() - 1;
  EXPECT_EQ(cases, 60858u);
}

TEST(SharedData, RetailRocketTrainingEndsBeforeTheTimedTest) {
  REQUIRE_SHARED("retailrocket/train_sessions.txt");
  PrepareOptions o;
  o.read.format = "session-lines";
  o.train_files = {shared("retailrocket/train_sessions.txt")};
  o.test_files = {shared("retailrocket/test_sessions_with_time.tsv")};
  const Dataset d = prepare(o).dataset;
  EXPECT_EQ(d.train_full().size(), 126168u);
  EXPECT_EQ(d.test().size(), 4775u);
  int64_t last_train = 0, first_test = INT64_MAX;
  for (size_t i = 0; i < d.train_full().size(); ++i) {
    last_train = std::max(last_train, d.train_full()[i].ts_ms.back());
  }
  for (size_t i = 0; i < d.test().size(); ++i) {
    first_test = std::min(first_test, d.test()[i].ts_ms.front());
  }
  EXPECT_LT(last_train, first_test);
}

TEST(SharedData, DigineticaRawSampleReadsViewsPurchasesAndCategories) {
  REQUIRE_SHARED("diginetica_raw_sample/sample_train-item-views.csv");
  PrepareOptions o;
  o.read.format = "diginetica";
  o.inputs = {shared("diginetica_raw_sample/sample_train-item-views.csv")};
  o.read.buy_files = {shared("diginetica_raw_sample/train-purchases.csv")};
  o.read.item_attribute_files = {shared("diginetica_raw_sample/product-categories.csv")};
  const PrepareStats st = prepare(o).stats;
  EXPECT_EQ(st.events_per_type[0], 12391u);
  EXPECT_EQ(st.events_per_type[3], 18025u);
  EXPECT_EQ(st.categories, 1217u);
  EXPECT_EQ(st.session_source, "session ids");
  EXPECT_EQ(st.read.rows_skipped(), 0u);
}

}  // namespace
}  // namespace kairos
