// The `stream` format (data/stream_record.h, data/readers/stream_files.cc): records round-trip
// with ids holding tabs and line breaks; a directory reads as its files in name order; a retried
// request logged twice is read once and the repeat counted; user-keyed events are cut into
// sessions by the 30-minute gap; malformed lines are skipped with their line number; prepare's
// --since/--until window keeps only its events and counts the rest.
#include <gtest/gtest.h>

#include "core/error.h"
#include "data/prepare.h"
#include "data/stream_record.h"
#include "data/test_util.h"

namespace kairos {
namespace {

std::string header() { return std::string(kStreamHeader) + "\n"; }

std::string line(int64_t ts, const std::string& session, const std::string& user,
                 const std::string& item, EventType t = EventType::kView,
                 const std::string& event_id = "") {
  return format_stream_line({ts + 5, ts, session, user, item, t, event_id});
}

TEST(StreamRecord, RoundTripsOddIds) {
  const StreamRecord r{1700000000123, 1700000000000,    "s\t1", "u\n2",
                       "it\\em",      EventType::kCart, "e 1"};
  std::string l = format_stream_line(r);
  ASSERT_EQ(l.back(), '\n');
  l.pop_back();
  StreamRecord back;
  ASSERT_EQ(parse_stream_line(l, &back), "");
  EXPECT_EQ(back.logged_ms, r.logged_ms);
  EXPECT_EQ(back.ts_ms, r.ts_ms);
  EXPECT_EQ(back.session_id, r.session_id);
  EXPECT_EQ(back.user_id, r.user_id);
  EXPECT_EQ(back.item_id, r.item_id);
  EXPECT_EQ(back.type, EventType::kCart);
  EXPECT_EQ(back.event_id, r.event_id);
  EXPECT_NE(parse_stream_line("1\t2\ts\tu\ti\tview", &back), "");            // 6 fields
  EXPECT_NE(parse_stream_line("1\t2\ts\tu\ti\tlook\te", &back), "");         // type
  EXPECT_NE(parse_stream_line("1\tx\ts\tu\ti\tview\te", &back), "");         // time
  EXPECT_NE(parse_stream_line("1\t2\t\t\ti\tview\te", &back), "");           // no key
  EXPECT_NE(parse_stream_line("1\t2\ts\tu\ti\tview\te\textra", &back), "");  // 8 fields
}

TEST(StreamReader, ReadsADirectoryInOrderDropsRetriedEventsAndCutsUserSessions) {
  test::TempDir dir;
  const int64_t t = 1'700'000'000'000;
  test::write(dir.file("events-000001-x.tsv"),
              header() + line(t, "s1", "", "a", EventType::kView, "e1") +
                  line(t + 1000, "s1", "", "b", EventType::kView, "e2") + line(t, "", "u1", "a") +
                  "garbage line\n");
  // File 2: a retry of e2 (same session and id), and u1 again after 31 minutes: a new session.
  test::write(dir.file("events-000002-x.tsv"),
              header() + line(t + 1000, "s1", "", "b", EventType::kView, "e2") +
                  line(t + 60'000, "", "u1", "b") + line(t + 31 * 60'000 + 60'000, "", "u1", "c") +
                  line(t + 2000, "s2", "", "b", EventType::kBuy, "e2"));
  test::write(dir.file("other.txt"), "not a stream file\n");
  const EventLog log = test::read("stream", {dir.path().string()});
  EXPECT_EQ(log.size(), 6u);
  EXPECT_EQ(test::skipped(log, "repeated event id (a retried request logged twice)"), 1u);
  EXPECT_EQ(log.report.rows_skipped(), 2u);
  // The garbage line is reported with its file and line number.
  bool found = false;
  for (const auto& [reason, r] : log.report.skipped) {
    for (const auto& ex : r.examples)
      found |= ex.find("events-000001-x.tsv:5") != std::string::npos;
  }
  EXPECT_TRUE(found);
  // s1, u1#1, u1#2, s2: the same event id in another session is another event.
  EXPECT_EQ(log.sessions.size(), 4u);
  EXPECT_EQ(log.type.back(), EventType::kBuy);
}

TEST(StreamReader, RefusesAFileWithAnotherHeader) {
  test::TempDir dir;
  test::write(dir.file("events-000001-x.tsv"), "a,b,c\n1,2,3\n");
  EXPECT_THROW(test::read("stream", {dir.file("events-000001-x.tsv")}), Error);
  test::TempDir empty;
  EXPECT_THROW(test::read("stream", {empty.path().string()}), Error);
}

TEST(Prepare, TimeWindowKeepsOnlyItsEventsAndCountsTheRest) {
  test::TempDir dir;
  const int64_t day = 86'400'000, t0 = 1'700'000'000'000 - 1'700'000'000'000 % day;
  std::string text = header();
  for (int d = 0; d < 4; ++d) {
    for (int s = 0; s < 10; ++s) {
      const std::string sid = "d" + std::to_string(d) + "s" + std::to_string(s);
      for (int i = 0; i < 3; ++i)
        text +=
            line(t0 + d * day + s * 60'000 + i * 1000, sid, "", "i" + std::to_string((s + i) % 4));
    }
  }
  test::write(dir.file("events-000001-x.tsv"), text);
  PrepareOptions o;
  o.read.format = "stream";
  o.inputs = {dir.path().string()};
  o.min_item_support = 1;
  o.since_ms = t0 + day;
  o.until_ms = t0 + 3 * day;
  const PrepareResult r = prepare(o);
  EXPECT_EQ(r.stats.outside_window, 60u);
  EXPECT_EQ(r.stats.events_read, 120u);
  EXPECT_EQ(r.dataset.num_events(), 60u);
  const SessionSet all = r.dataset.train_full();
  EXPECT_GE(all[0].ts_ms[0], t0 + day);
  const SessionSet test = r.dataset.test();
  EXPECT_LT(test[test.size() - 1].ts_ms.back(), t0 + 3 * day);
  EXPECT_EQ(r.stats.to_json()["input"]["outside_window"], 60);
}

}  // namespace
}  // namespace kairos
