// prepare: raw logs -> sessions -> filters -> split -> vocabularies -> Dataset + statistics.
// The pipeline of `kairos prepare`; see docs/DATA.md for every step and its defaults.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "data/prepare_stats.h"
#include "data/reader.h"
#include "data/synthetic_clock.h"

namespace kairos {

struct PrepareOptions {
  ReadOptions read;
  std::vector<std::string> inputs;         // event files (temporal / leave-one-out splits)
  std::vector<std::string> train_files;    // predefined split: training files ...
  std::vector<std::string> test_files;     // ... and test files
  SplitKind split = SplitKind::kTemporal;  // kPredefined is implied by train/test files

  // Time window: only events with since_ms <= ts < until_ms are kept (the rest are counted in
  // the report, not read as errors). A window of a live event stream, or "everything before day
  // D" for a retraining cycle. Unset = no bound.
  std::optional<int64_t> since_ms, until_ms;

  double session_gap_min = 30;  // inactivity gap that ends a session (no session ids in the data)
  bool dedup_consecutive = false;  // drop an event repeating the previous item of its session
  // Filter minimums; unset = the split's default: 5 / 2 (temporal), 5 / 3 (leave-one-out: each
  // user keeps a training event), and off for predefined splits (their files are already
  // filtered by the paper's pipeline, and the published protocol counts depend on it).
  std::optional<uint32_t> min_item_support;
  std::optional<uint32_t> min_session_length;
  double test_days = 1;   // temporal: test = sessions ending in the last N days
  double valid_days = 1;  // validation carved the same way from training
  SyntheticClock clock;   // times for logs without timestamps
};

struct PrepareResult {
  Dataset dataset;
  PrepareStats stats;
};

PrepareResult prepare(const PrepareOptions& options);

}  // namespace kairos
