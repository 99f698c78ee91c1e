// Reading one line-oriented file on several threads, with the result of one thread.
//
// A plain (uncompressed) file of at least ReadOptions::parallel_min_bytes is cut into
// ReadOptions::threads ranges at line starts (data/readers/file_chunks.h). The first range is read
// into the caller's log; each later one into a log of its own, with its categories deferred
// (data/event_log.h), appended in file order. Ids are dense in first-seen order, item categories
// first-wins with conflicts counted per row, skipped rows carry the whole file's line numbers and
// examples come in file order, and with --strict the error is the earliest bad row's: the log is
// the one a single thread reading the file builds (tests/data/chunked_read_test.cc checks it).
//
// Only for formats whose rows are independent of each other: a reader that carries state from row
// to row (a running clock, a current session) cannot be split. Compressed files are read by one
// thread: a gzip or zstd stream cannot be entered in the middle.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "data/event_log.h"
#include "data/readers/input_file.h"

namespace kairos::readers {

// Runs `rows(in, log)`, the reader's loop over one InputFile's rows, on each range of `path`.
void read_chunked(const ReadOptions& o, const std::string& path, EventLog* log,
                  std::string_view what,
                  const std::function<void(InputFile& in, EventLog* log)>& rows);

}  // namespace kairos::readers
