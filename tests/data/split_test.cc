#include <gtest/gtest.h>

#include "data/split.h"

namespace kairos {
namespace {

constexpr int64_t kDay = 86400LL * 1000;

// Sessions of one event each at the given day offsets (plus a second event 1 s later).
SessionTable table_at_days(const std::vector<double>& days,
                           const std::vector<uint8_t>& parts = {}) {
  SessionTable t;
  for (size_t i = 0; i < days.size(); ++i) {
    const auto ts = static_cast<int64_t>(days[i] * kDay);
    for (int k = 0; k < 2; ++k) {
      t.item.push_back(1);
      t.type.push_back(0);
      t.ts.push_back(ts + k * 1000);
    }
    t.add_session_end(0, parts.empty() ? 0 : parts[i]);
  }
  return t;
}

TEST(Split, TemporalTakesTheLastDaysAsTestThenValid) {
  const SessionTable t = table_at_days({0, 1, 2, 3.5, 4.2, 5, 5.5});
  const SplitResult r = split_temporal(t, /*test_days=*/1, /*valid_days=*/1);
  // session-rec's rule: test = sessions ending within `test_days` of the last event (5.5 d + 1 s),
  // i.e. the sessions of days 5 and 5.5; validation is carved the same way from the rest
  // (ending within one day of 4.2 d + 1 s: days 3.5 and 4.2).
  const std::vector<Part> expected = {Part::kTrain, Part::kTrain, Part::kTrain, Part::kValid,
                                      Part::kValid, Part::kTest,  Part::kTest};
  EXPECT_EQ(r.part, expected);
}

TEST(Split, TemporalHasNoLeakage) {
  const SessionTable t = table_at_days({0, 0.3, 1.1, 2.2, 2.9, 3.4, 4.0, 4.8, 5.1, 6.7});
  const SplitResult r = split_temporal(t, 2, 1);
  int64_t last_train = INT64_MIN, first_valid_end = INT64_MAX, last_valid = INT64_MIN,
          first_test_end = INT64_MAX;
  for (size_t s = 0; s < t.num_sessions(); ++s) {
    if (r.part[s] == Part::kTrain) last_train = std::max(last_train, t.end_ts(s));
    if (r.part[s] == Part::kValid) {
      last_valid = std::max(last_valid, t.end_ts(s));
      first_valid_end = std::min(first_valid_end, t.end_ts(s));
    }
    if (r.part[s] == Part::kTest) first_test_end = std::min(first_test_end, t.end_ts(s));
  }
  EXPECT_LT(last_train, first_valid_end);  // every training session ends before validation
  EXPECT_LT(last_valid, first_test_end);
  EXPECT_LT(last_train, r.test_start_ms);
}

TEST(Split, PredefinedKeepsTheTestFilesAndCarvesValidFromTraining) {
  const SessionTable t = table_at_days({0, 1, 2, 2.5, 3}, {0, 0, 0, 0, 1});
  const SplitResult r = split_predefined(t, /*valid_days=*/1);
  const std::vector<Part> expected = {Part::kTrain, Part::kTrain, Part::kValid, Part::kValid,
                                      Part::kTest};
  EXPECT_EQ(r.part, expected);
}

TEST(Split, ZeroValidDaysMeansNoValidation) {
  const SessionTable t = table_at_days({0, 1, 2});
  const SplitResult r = split_temporal(t, 1, 0);
  EXPECT_EQ(std::count(r.part.begin(), r.part.end(), Part::kValid), 0);
}

}  // namespace
}  // namespace kairos
