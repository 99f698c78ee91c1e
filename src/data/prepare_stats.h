// The statistics report of `kairos prepare`: every row read is accounted for (accepted or skipped
// by reason), and every event that does not reach the dataset is counted under the step that
// removed it. Printed as a table and written as stats.json.
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "data/filters.h"
#include "data/read_report.h"

namespace kairos {

struct LengthDistribution {
  uint64_t count = 0, min = 0, max = 0, p50 = 0, p90 = 0, p99 = 0;
  double mean = 0;
  std::vector<std::pair<std::string, uint64_t>> histogram;  // bucket label -> sessions
};

struct PartStats {
  uint64_t sessions = 0, events = 0;
  int64_t first_ms = 0, last_ms = 0;
  LengthDistribution lengths;
};

struct PrepareStats {
  std::string format;
  std::vector<std::string> files;
  ReadReport read;
  uint64_t events_read = 0;
  std::array<uint64_t, 4> events_per_type{};                        // as read
  uint64_t users = 0, raw_sessions = 0, items = 0, categories = 0;  // as read
  uint64_t category_conflicts = 0;
  int64_t first_ms = 0, last_ms = 0;  // as read
  uint64_t outside_window = 0;        // events outside --since / --until (dropped after reading)
  bool synthetic_clock = false;

  std::string session_source;  // "session ids" | "30 min gap" | "user sequences"
  uint64_t sessions_formed = 0;
  FilterCounts dedup;
  uint32_t min_item_support = 0, min_session_length = 0;
  IterativeFilterReport filters;

  std::string split;
  // Test events whose item is not in train_full (valid sessions stay whole), and test sessions
  // left with fewer than 2 events after that.
  uint64_t unknown_test_events = 0;
  uint64_t short_test_sessions = 0, short_test_events = 0;

  PartStats train, valid, test;
  std::array<uint64_t, 4> final_events_per_type{};
  uint64_t final_items = 0, final_categories = 0, final_users = 0;
  double seconds = 0;

  nlohmann::json to_json() const;
  std::string to_table() const;
};

LengthDistribution length_distribution(std::vector<uint64_t> lengths);

}  // namespace kairos
