#include "data/readers/chunked_read.h"

#include <sys/stat.h>

#include <exception>
#include <vector>

#include "core/parallel.h"
#include "data/readers/file_chunks.h"

namespace kairos::readers {
namespace {

bool worth_splitting(const ReadOptions& o, const std::string& path) {
  if (o.threads <= 1) return false;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;  // LineReader says why
  return static_cast<uint64_t>(st.st_size) >= o.parallel_min_bytes &&
         !LineReader::is_compressed(path);
}

}  // namespace

void read_chunked(const ReadOptions& o, const std::string& path, EventLog* log,
                  std::string_view what,
                  const std::function<void(InputFile& in, EventLog* log)>& rows) {
  const std::vector<FileRange> ranges =
      worth_splitting(o, path) ? split_at_lines(path, o.threads) : std::vector<FileRange>{};
  if (ranges.size() < 2) {
    InputFile in(o, path, log, what);
    rows(in, log);
    return;
  }
  const uint64_t file_bytes = ranges.back().end;
  std::vector<EventLog> later(ranges.size() - 1);
  for (EventLog& part : later) {
    part.report.strict = log->report.strict;
    part.defer_categories = true;
    if (log->part() == 1) part.begin_test_part();
  }
  std::vector<std::exception_ptr> errors(ranges.size());
  const auto read_range = [&](size_t k) {
    try {
      const FileRange& r = ranges[k];
      EventLog* target = k == 0 ? log : &later[k - 1];
      // The first range's reader reserves the caller's log for the whole file.
      const double scale = k == 0 ? static_cast<double>(file_bytes) / (r.end - r.begin) : 1.0;
      InputFile in(o, path, r, target, what, k == 0, scale);
      rows(in, target);
    } catch (...) {
      errors[k] = std::current_exception();
    }
  };
  parallel_for(ranges.size(), static_cast<int>(ranges.size()), 1,
               [&](size_t begin, size_t end, int) {
                 for (size_t k = begin; k < end; ++k) read_range(k);
               });
  // The earliest range's error is the file's first bad row (--strict) or failure.
  for (const auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  for (EventLog& part : later) log->append(std::move(part));
}

}  // namespace kairos::readers
