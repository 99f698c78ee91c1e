#include <gtest/gtest.h>

#include "core/error.h"
#include "data/session_table.h"
#include "data/test_util.h"

namespace kairos {
namespace {

using test::add_view;

std::vector<std::vector<std::string>> sessions_of(const SessionTable& t, const EventLog& log) {
  std::vector<std::vector<std::string>> out;
  for (size_t s = 0; s < t.num_sessions(); ++s) {
    out.emplace_back();
    for (uint64_t e = t.offsets[s]; e < t.offsets[s + 1]; ++e) {
      out.back().push_back(log.items.name(t.item[e]));
    }
  }
  return out;
}

TEST(Sessionize, SplitsUserEventsAtTheInactivityGap) {
  EventLog log;
  add_view(&log, "u1", "10", 0);
  add_view(&log, "u1", "11", 60);
  add_view(&log, "u1", "12", 60 + 1801);  // > 30 min later: new session
  add_view(&log, "u2", "13", 5);
  const SessionTable t = sessionize(log, SessionMode::kUserGap, 30 * 60 * 1000);
  ASSERT_EQ(t.num_sessions(), 3u);
  EXPECT_EQ(sessions_of(t, log),
            (std::vector<std::vector<std::string>>{{"10", "11"}, {"12"}, {"13"}}));
}

TEST(Sessionize, GapExactlyAtTheLimitKeepsTheSession) {
  EventLog log;
  add_view(&log, "u1", "10", 0);
  add_view(&log, "u1", "11", 1800);
  const SessionTable t = sessionize(log, SessionMode::kUserGap, 30 * 60 * 1000);
  EXPECT_EQ(t.num_sessions(), 1u);
}

TEST(Sessionize, OrdersByTimeWithTiesInFileOrder) {
  EventLog log;
  add_view(&log, "u1", "c", 30);
  add_view(&log, "u1", "a", 10);
  add_view(&log, "u1", "b", 10);
  const SessionTable t = sessionize(log, SessionMode::kUserGap, 30 * 60 * 1000);
  EXPECT_EQ(sessions_of(t, log), (std::vector<std::vector<std::string>>{{"a", "b", "c"}}));
}

TEST(Sessionize, UsesSessionIdsWhenPresent) {
  EventLog log;
  log.add("", "s1", "1", "", EventType::kView, 0);
  log.add("", "s2", "2", "", EventType::kView, 0);
  log.add("", "s1", "3", "", EventType::kCart, 10'000'000);  // far apart, same session id
  const SessionTable t = sessionize(log, SessionMode::kSessionId, 1000);
  ASSERT_EQ(t.num_sessions(), 2u);
  EXPECT_EQ(t.length(0), 2u);
  EXPECT_EQ(t.type[1], static_cast<uint8_t>(EventType::kCart));
}

TEST(Sessionize, UserSequencesIgnoreTheGap) {
  EventLog log;
  add_view(&log, "u1", "1", 0);
  add_view(&log, "u1", "2", 1'000'000);
  const SessionTable t = sessionize(log, SessionMode::kUser, 1000);
  EXPECT_EQ(t.num_sessions(), 1u);
}

TEST(Sessionize, RejectsEventsWithoutAnyGroupingId) {
  EventLog log;
  log.add("", "", "1", "", EventType::kView, 0);
  EXPECT_THROW(sessionize(log, SessionMode::kUserGap, 1000), Error);
}

}  // namespace
}  // namespace kairos
