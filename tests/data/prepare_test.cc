#include <gtest/gtest.h>

#include <fstream>

#include "core/error.h"
#include "data/prepare.h"
#include "data/test_util.h"

namespace kairos {
namespace {

constexpr int64_t kT0 = 1511539200;  // 2017-11-24 16:00 UTC
constexpr int64_t kDay = 86400;

// Writes Taobao rows: user,item,category,behaviour,seconds.
void write_rows(const std::string& path, const std::vector<std::string>& rows) {
  std::ofstream out(path);
  for (const auto& r : rows) out << r << "\n";
}

std::string row(int user, int item, int t, const char* type = "pv") {
  return std::to_string(user) + "," + std::to_string(item) + "," + std::to_string(item % 3 + 100) +
         "," + type + "," + std::to_string(kT0 + t);
}

// Sessions of items {1,2,3} / {2,3,1} for many users over 3 days, one test-day session using
// an item (99) that never appears before.
std::vector<std::string> shop_rows() {
  std::vector<std::string> rows;
  for (int u = 0; u < 30; ++u) {
    const int day = u % 3;
    const int t = day * kDay + u * 60;
    rows.push_back(row(u, 1 + u % 3, t));
    rows.push_back(row(u, 1 + (u + 1) % 3, t + 10, "cart"));
    rows.push_back(row(u, 1 + (u + 2) % 3, t + 20, "buy"));
  }
  rows.push_back(row(100, 99, 2 * kDay + 5000));
  rows.push_back(row(100, 1, 2 * kDay + 5010));
  rows.push_back(row(100, 2, 2 * kDay + 5020));
  rows.push_back("not,a,valid,row");
  return rows;
}

TEST(Prepare, TemporalPipelineAccountsForEveryRowAndEvent) {
  test::TempDir dir;
  write_rows(dir.file("ub.csv"), shop_rows());
  PrepareOptions o;
  o.read.format = "taobao";
  o.inputs = {dir.file("ub.csv")};
  o.min_item_support = 1;
  const PrepareResult r = prepare(o);
  const PrepareStats& st = r.stats;
  EXPECT_EQ(st.read.rows_read, 94u);
  EXPECT_EQ(st.read.rows_skipped(), 1u);
  EXPECT_EQ(st.events_read, 93u);
  EXPECT_EQ(st.events_per_type[1], 30u);  // cart
  // Every event read is either in the dataset or counted by the step that removed it.
  const uint64_t removed = st.dedup.events_removed + st.filters.total.events_removed +
                           st.unknown_test_events + st.short_test_events;
  EXPECT_EQ(r.dataset.num_events() + removed, st.events_read);
  // Item 99 appears only in the test day: removed and counted.
  EXPECT_EQ(st.unknown_test_events, 1u);
  EXPECT_EQ(r.dataset.items().find("99"), 0u);
  EXPECT_EQ(r.dataset.test().size(), 11u);
  EXPECT_EQ(r.dataset.valid().size(), 10u);
  EXPECT_EQ(r.dataset.train().size(), 10u);
  // No test session ends before the last training event.
  int64_t last_train = 0;
  for (size_t i = 0; i < r.dataset.train_full().size(); ++i) {
    const auto s = r.dataset.train_full()[i];
    last_train = std::max(last_train, s.ts_ms[s.size() - 1]);
  }
  for (size_t i = 0; i < r.dataset.test().size(); ++i) {
    const auto s = r.dataset.test()[i];
    EXPECT_GT(s.ts_ms[s.size() - 1], last_train);
  }
  EXPECT_EQ(r.dataset.num_categories(), 4u);
  const auto j = st.to_json();
  EXPECT_EQ(j["input"]["rows_read"], 94);
  EXPECT_FALSE(st.to_table().empty());
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// Issue 11: the fingerprint depends only on the data. Preparing the same file with the same flags
// twice gives the same fingerprint and the same dataset.kds bytes (the timing of the prepare
// report used to be checksummed with it).
TEST(Prepare, SameInputAndFlagsGiveTheSameFingerprintAndBytes) {
  test::TempDir dir;
  write_rows(dir.file("ub.csv"), shop_rows());
  PrepareOptions o;
  o.read.format = "taobao";
  o.inputs = {dir.file("ub.csv")};
  o.min_item_support = 1;
  const PrepareResult first = prepare(o);
  first.dataset.save(dir.file("first.kds"));
  const PrepareResult second = prepare(o);
  second.dataset.save(dir.file("second.kds"));
  const std::string a = file_bytes(dir.file("first.kds")), b = file_bytes(dir.file("second.kds"));
  ASSERT_FALSE(a.empty());
  EXPECT_TRUE(a == b) << "dataset.kds differs between two identical prepares";
  EXPECT_EQ(Dataset::load(dir.file("first.kds")).fingerprint(),
            Dataset::load(dir.file("second.kds")).fingerprint());
  // The timing stays in the report that is written beside the dataset (stats.json).
  EXPECT_TRUE(first.stats.to_json().contains("seconds"));
  EXPECT_FALSE(nlohmann::json::parse(first.dataset.stats_json()).contains("seconds"));
}

TEST(Prepare, StrictModeFailsOnTheFirstMalformedRow) {
  test::TempDir dir;
  write_rows(dir.file("ub.csv"), shop_rows());
  PrepareOptions o;
  o.read.format = "taobao";
  o.read.strict = true;
  o.inputs = {dir.file("ub.csv")};
  EXPECT_THROW(prepare(o), Error);
}

TEST(Prepare, PredefinedSessionLinesGetTheSyntheticClock) {
  test::TempDir dir;
  write_rows(dir.file("train.txt"), {"1 2 3", "2 3", "3 1 2", "1 2"});
  write_rows(dir.file("test.txt"), {"1 2 4", "2 1"});
  PrepareOptions o;
  o.read.format = "session-lines";
  o.train_files = {dir.file("train.txt")};
  o.test_files = {dir.file("test.txt")};
  o.valid_days = 0;
  const PrepareResult r = prepare(o);
  EXPECT_EQ(r.dataset.split(), SplitKind::kPredefined);
  EXPECT_EQ(r.dataset.train().size(), 4u);
  ASSERT_EQ(r.dataset.test().size(), 2u);
  EXPECT_EQ(r.stats.unknown_test_events, 1u);  // item 4
  EXPECT_TRUE(r.stats.synthetic_clock);
  const auto first = r.dataset.train()[0];
  EXPECT_EQ(first.ts_ms[0], o.clock.train_start_ms);
  EXPECT_EQ(first.ts_ms[1] - first.ts_ms[0], 1000);
  EXPECT_GE(r.dataset.test()[0].ts_ms[0], o.clock.train_end_ms);
}

TEST(Prepare, LeaveOneOutKeepsEverySequenceInEveryView) {
  test::TempDir dir;
  write_rows(dir.file("seq.txt"), {"u1 1 2 3 4", "u2 2 3 4", "u3 4 3 2 1"});
  PrepareOptions o;
  o.read.format = "user-sequences";
  o.inputs = {dir.file("seq.txt")};
  o.split = SplitKind::kLeaveOneOut;
  o.min_item_support = 1;
  const PrepareResult r = prepare(o);
  ASSERT_EQ(r.dataset.test().size(), 3u);
  EXPECT_EQ(r.dataset.test()[0].size(), 4u);
  EXPECT_EQ(r.dataset.valid()[0].size(), 3u);
  EXPECT_EQ(r.dataset.train()[0].size(), 2u);
  EXPECT_EQ(r.dataset.num_items(), 5u);
}

}  // namespace
}  // namespace kairos
