// What a reader did with every row: read, accepted, or skipped with a reason.
// Nothing is dropped silently: every skipped row is counted under its reason, and the first few
// line numbers of each reason are kept for the error message and the statistics report.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace kairos {

struct ReadReport {
  struct Reason {
    uint64_t count = 0;
    std::vector<std::string> examples;  // "file:line" of the first kMaxExamples rows
  };
  static constexpr size_t kMaxExamples = 5;

  uint64_t rows_read = 0;      // data rows seen (header and blank lines excluded)
  uint64_t rows_accepted = 0;  // rows that became events (a session line yields several)
  uint64_t events_added = 0;   // events appended to the log
  // Item side tables (categories): rows read and rows that named an item's category. Their
  // malformed rows are counted in `skipped` under reasons starting with "item table:".
  uint64_t side_rows_read = 0;
  uint64_t side_rows_used = 0;
  std::map<std::string, Reason> skipped;  // reason -> count and examples
  bool strict = false;                    // first skipped row is fatal

  // Records a skipped row; throws kairos::Error (kInput) when strict.
  void skip(const std::string& reason, const std::string& file, uint64_t line);
  uint64_t rows_skipped() const;
  // Adds the counts of `later` (the report of rows read after this one's: its examples come
  // after this one's).
  void merge(const ReadReport& later);
  // "reason: N rows (e.g. f:12, f:40)" lines, one per reason.
  std::vector<std::string> describe() const;
};

}  // namespace kairos
