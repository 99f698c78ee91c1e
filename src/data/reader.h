// Reading raw behaviour logs into an EventLog. One reader per format, chosen by name:
//   taobao, retailrocket, diginetica, yoochoose, csv, session-lines, user-sequences,
//   category-sessions, stream (Kairos's own event stream, data/stream_record.h). See
//   docs/FORMATS.md for the exact columns each expects.
#pragma once

#include <string>
#include <vector>

#include "data/event_log.h"

namespace kairos {

// Column mapping of the generic `csv` format. Columns are header names or 0-based positions.
struct CsvMapping {
  char separator = ',';
  bool header = true;
  std::string user_col;     // optional
  std::string session_col;  // optional (then sessions come from the inactivity gap)
  std::string item_col = "item_id";
  std::string category_col;  // optional
  std::string type_col;      // optional (then every event is a view)
  std::string time_col;      // optional (then row order is time, one second apart)
  // Unit of numeric timestamps: s | ms | us | iso (ISO-8601 text, e.g. 2014-04-07T10:51:09.277Z).
  std::string time_unit = "s";
  // Behaviour value -> type, e.g. {"1":"view","2":"cart"}; empty = parse_event_type() aliases.
  std::vector<std::pair<std::string, std::string>> type_values;
};

struct ReadOptions {
  std::string format;
  bool strict = false;  // first malformed row is fatal
  // Longest line read (line ending not counted); longer lines are skipped and counted as
  // "line longer than N bytes", and reading resumes at the next line. JSON side files are exempt.
  size_t max_line_bytes = size_t{1} << 20;
  CsvMapping csv;
  // Side files: RetailRocket item_properties*.csv, Diginetica product-categories.csv,
  // Amazon item2attributes.json. Read before the event files.
  std::vector<std::string> item_attribute_files;
  // Threads reading one large plain file of a format whose rows are independent (taobao; see
  // data/readers/chunked_read.h), and the smallest file worth splitting. The result does not
  // depend on either.
  int threads = 1;
  uint64_t parallel_min_bytes = uint64_t{64} << 20;
  // Extra event files of another kind: Diginetica train-purchases.csv, YooChoose buys.
  std::vector<std::string> buy_files;
};

// Formats accepted by --format.
const std::vector<std::string>& format_names();

// Reads `files` and appends their events to `log` (and its report). Throws kairos::Error with the
// file and column on an unknown format or a missing column; malformed rows are skipped and
// counted (fatal with strict).
void read_events(const ReadOptions& options, const std::vector<std::string>& files, EventLog* log);

}  // namespace kairos
