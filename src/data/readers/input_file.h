// InputFile: the shared plumbing of every reader — lines of one (possibly compressed) file, the
// row accounting of the ReadReport, a progress bar over the file's bytes, and header lookups.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/progress.h"
#include "data/event_log.h"
#include "data/line_reader.h"
#include "data/reader.h"

namespace kairos::readers {

class InputFile {
 public:
  // `side_table`: an item side table, whose rows count as side_rows_read, not rows_read.
  InputFile(const ReadOptions& o, const std::string& path, EventLog* log, std::string_view what,
            bool side_table = false);
  // A reader whose rows are not events (data/transactions.h): rows are counted in `report` (as
  // side_rows_read with `side_table`).
  InputFile(const ReadOptions& o, const std::string& path, ReadReport* report,
            std::string_view what, bool side_table = false);
  // One range of a plain file (data/readers/chunked_read.h), line numbers the whole file's. Only
  // one range's reader shows progress (`progress`); `reserve_scale` scales the rows it reserves
  // in `log` (the first range's reader reserves for the whole file).
  InputFile(const ReadOptions& o, const std::string& path, const FileRange& range, EventLog* log,
            std::string_view what, bool progress, double reserve_scale);
  ~InputFile();

  // The next non-blank line, counted as a data row. Lines starting with `comment` (if non-zero)
  // are skipped uncounted; lines over the length cap are counted and skipped.
  bool next_row(std::string_view* line);
  // The first line, as a header (not counted as a row). False on an empty file; throws kInput if
  // it is over the length cap.
  bool header(std::string_view* line);
  // Counts the current row as skipped for `reason` (throws with --strict).
  void skip(const std::string& reason);
  void accept() { ++report_->rows_accepted; }
  // Checks the row's ids (core/valid_id.h: UTF-8 text without control characters); on the first
  // bad one skips the row as "<kind> id: <problem>" and returns false. Empty ids are not checked:
  // each reader decides which ids may be absent.
  bool ids_ok(std::initializer_list<std::pair<const char*, std::string_view>> ids);

  uint64_t line_number() const { return lines_.line_number(); }
  const std::string& path() const { return lines_.path(); }
  void set_comment(char c) { comment_ = c; }

 private:
  void reserve_rows();

  LineReader lines_;
  EventLog* log_;       // null for readers of other tables
  ReadReport* report_;  // log_->report, or the other table's
  ProgressBar bar_;
  uint64_t reported_bytes_ = 0;
  uint64_t rows_seen_ = 0;  // lines read by this reader (line numbers may start past 0)
  char comment_ = 0;
  bool side_table_ = false;
  bool reserved_ = false;  // the log has room for this file's estimated rows
  double reserve_scale_ = 1.0;
};

// Index of the header field named by any of `names` (case-insensitive); throws kInput naming the
// file, the wanted column and the header it found.
size_t require_column(const std::vector<std::string_view>& header,
                      std::initializer_list<std::string_view> names, const std::string& path);
// Same, or SIZE_MAX when absent.
size_t find_column(const std::vector<std::string_view>& header,
                   std::initializer_list<std::string_view> names);

// Fast behaviour-type parsing: the Taobao spellings first, then parse_event_type's aliases.
bool parse_type_fast(std::string_view s, EventType* out);

}  // namespace kairos::readers
