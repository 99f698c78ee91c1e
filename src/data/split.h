// Splits of a SessionTable into train / valid / test, leakage-free:
//  - temporal: test = sessions that end in the last `test_days` before the last event; valid =
//    sessions of the rest that end in the `valid_days` before the test period;
//  - predefined: test = sessions from the --test files; valid carved from the training files the
//    temporal way;
//  - leave-one-out: every user sequence is in all three (the Dataset views drop the last 2 / 1 / 0
//    events), nothing is assigned here.
#pragma once

#include <cstdint>
#include <vector>

#include "data/session_table.h"

namespace kairos {

enum class Part : uint8_t { kTrain = 0, kValid = 1, kTest = 2 };

struct SplitResult {
  std::vector<Part> part;                         // per session
  int64_t test_start_ms = 0, valid_start_ms = 0;  // boundaries used (temporal carving)
};

SplitResult split_temporal(const SessionTable& t, double test_days, double valid_days);
SplitResult split_predefined(const SessionTable& t, double valid_days);

}  // namespace kairos
