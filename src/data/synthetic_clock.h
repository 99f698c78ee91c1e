// The synthetic clock for logs without timestamps (session-lines, user-sequences): the
// convention of ../shared/data/README.md, which session-rec's reference figures used.
//   - untimed training sessions are spread evenly, in file order, over [train_start, train_end);
//   - untimed test sessions evenly over [test_start, test_end);
//   - events inside a session are 1 s apart.
// If the test part has real times and the training part does not, train_end defaults to one
// hour before the first test event (the RetailRocket convention); if train_start is not before
// that, training keeps the configured span length (145 days by default) ending there.
#pragma once

#include <cstdint>

#include "data/session_table.h"

namespace kairos {

struct SyntheticClock {
  int64_t train_start_ms = 1451606400000;  // 2016-01-01 00:00 UTC
  int64_t train_end_ms = 1464134400000;    // 2016-05-25 00:00 UTC
  int64_t test_end_ms = 1464739200000;     // 2016-06-01 00:00 UTC
};

// Rewrites the times of the sessions of every part that `untimed[part]` marks.
void apply_synthetic_clock(const SyntheticClock& clock, const bool untimed[2], SessionTable* table);

}  // namespace kairos
