#include "data/read_report.h"

#include <fmt/format.h>

#include "core/error.h"

namespace kairos {

void ReadReport::skip(const std::string& reason, const std::string& file, uint64_t line) {
  const std::string where = fmt::format("{}:{}", file, line);
  if (strict) {
    KAIROS_THROW(ErrorKind::kInput, "{}: malformed row: {} (--strict stops at the first one)",
                 where, reason);
  }
  Reason& r = skipped[reason];
  ++r.count;
  if (r.examples.size() < kMaxExamples) r.examples.push_back(where);
}

uint64_t ReadReport::rows_skipped() const {
  uint64_t n = 0;
  for (const auto& [reason, r] : skipped) n += r.count;
  return n;
}

void ReadReport::merge(const ReadReport& later) {
  rows_read += later.rows_read;
  rows_accepted += later.rows_accepted;
  events_added += later.events_added;
  side_rows_read += later.side_rows_read;
  side_rows_used += later.side_rows_used;
  for (const auto& [reason, r] : later.skipped) {
    Reason& mine = skipped[reason];
    mine.count += r.count;
    for (const auto& e : r.examples) {
      if (mine.examples.size() < kMaxExamples) mine.examples.push_back(e);
    }
  }
}

std::vector<std::string> ReadReport::describe() const {
  std::vector<std::string> out;
  for (const auto& [reason, r] : skipped) {
    std::string examples;
    for (const auto& e : r.examples) examples += (examples.empty() ? "" : ", ") + e;
    out.push_back(
        fmt::format("{}: {} row{} (e.g. {})", reason, r.count, r.count == 1 ? "" : "s", examples));
  }
  return out;
}

}  // namespace kairos
