#include <gtest/gtest.h>

#include "data/synthetic_clock.h"

namespace kairos {
namespace {

// Two untimed training sessions of 2 events, one timed test session.
SessionTable table(int64_t test_ts) {
  SessionTable t;
  for (int s = 0; s < 2; ++s) {
    for (int k = 0; k < 2; ++k) {
      t.item.push_back(1);
      t.type.push_back(0);
      t.ts.push_back(s * 2 + k);
    }
    t.add_session_end(kNone, 0);
  }
  t.item.push_back(1);
  t.type.push_back(0);
  t.ts.push_back(test_ts);
  t.add_session_end(kNone, 1);
  return t;
}

TEST(SyntheticClock, SpreadsUntimedTrainingUpToAnHourBeforeTimedTest) {
  SyntheticClock c;
  c.train_start_ms = 1000000000000;
  SessionTable t = table(1441939815000);
  const bool untimed[2] = {true, false};
  apply_synthetic_clock(c, untimed, &t);
  EXPECT_EQ(t.ts[0], c.train_start_ms);
  EXPECT_EQ(t.ts[1], c.train_start_ms + 1000);
  const int64_t end = 1441939815000 - 3600000;
  EXPECT_EQ(t.ts[2], c.train_start_ms + (end - c.train_start_ms) / 2);
  EXPECT_EQ(t.ts[4], 1441939815000);  // real times stay
}

TEST(SyntheticClock, AStartAfterTheTimedTestKeepsTheSpanAndNeverOverlaps) {
  SyntheticClock c;  // 2016-01-01 .. 2016-05-25 (145 days), test in 2015
  SessionTable t = table(1441939815000);
  const bool untimed[2] = {true, false};
  apply_synthetic_clock(c, untimed, &t);
  const int64_t end = 1441939815000 - 3600000;
  EXPECT_EQ(t.ts[0], end - (c.train_end_ms - c.train_start_ms));
  EXPECT_LT(t.ts[3], 1441939815000);
}

}  // namespace
}  // namespace kairos
