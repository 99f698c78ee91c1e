#include "data/split.h"

#include <algorithm>
#include <limits>

namespace kairos {
namespace {

constexpr double kDayMs = 86400.0 * 1000.0;

// Among sessions with part == kTrain, those ending at or after (last end - days) become `to`.
int64_t carve_last_days(const SessionTable& t, double days, Part to, SplitResult* r) {
  int64_t last = std::numeric_limits<int64_t>::min();
  for (size_t s = 0; s < t.num_sessions(); ++s) {
    if (r->part[s] == Part::kTrain) last = std::max(last, t.end_ts(s));
  }
  const int64_t boundary = last - static_cast<int64_t>(days * kDayMs);
  if (days <= 0) return last + 1;
  for (size_t s = 0; s < t.num_sessions(); ++s) {
    if (r->part[s] == Part::kTrain && t.end_ts(s) >= boundary) r->part[s] = to;
  }
  return boundary;
}

}  // namespace

SplitResult split_temporal(const SessionTable& t, double test_days, double valid_days) {
  SplitResult r;
  r.part.assign(t.num_sessions(), Part::kTrain);
  r.test_start_ms = carve_last_days(t, test_days, Part::kTest, &r);
  r.valid_start_ms = carve_last_days(t, valid_days, Part::kValid, &r);
  return r;
}

SplitResult split_predefined(const SessionTable& t, double valid_days) {
  SplitResult r;
  r.part.resize(t.num_sessions());
  int64_t test_start = std::numeric_limits<int64_t>::max();
  for (size_t s = 0; s < t.num_sessions(); ++s) {
    r.part[s] = t.part[s] == 1 ? Part::kTest : Part::kTrain;
    if (t.part[s] == 1) test_start = std::min(test_start, t.start_ts(s));
  }
  r.test_start_ms = test_start;
  r.valid_start_ms = carve_last_days(t, valid_days, Part::kValid, &r);
  return r;
}

}  // namespace kairos
