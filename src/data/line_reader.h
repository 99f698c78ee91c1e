// LineReader streams the lines of a plain, gzip (.gz) or zstd (.zst) file; the compression is
// detected from the file's magic bytes, not its name. Lines are returned without '\n' / "\r\n".
// Returned views stay valid until the next call to next().
//
// Memory is bounded by the line cap: a line longer than `max_line_bytes` (line ending not counted)
// is never buffered whole. next() returns its first max_line_bytes bytes with truncated() true,
// discards the rest up to the next '\n', and the following call resumes at the next line.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace kairos {

// Bytes [begin, end) of a plain file, starting at a line, and the lines before it (so that line
// numbers stay the whole file's). See data/readers/file_chunks.h.
struct FileRange {
  uint64_t begin = 0, end = 0;
  uint64_t lines_before = 0;
};

class LineReader {
 public:
  static constexpr size_t kDefaultMaxLineBytes = size_t{1} << 20;  // 1 MiB
  static constexpr size_t kUnlimited = SIZE_MAX;
  static constexpr size_t kDefaultBufferBytes = size_t{4} << 20;  // grows only for longer lines

  // Throws kIo if `path` cannot be opened. `buffer_bytes` caps the initial read buffer, which is
  // no larger than the file (tests and fuzzers make it tiny to exercise refills).
  explicit LineReader(const std::string& path, size_t max_line_bytes = kDefaultMaxLineBytes,
                      size_t buffer_bytes = kDefaultBufferBytes);
  // The lines of one range of a plain (uncompressed) file.
  LineReader(const std::string& path, const FileRange& range, size_t max_line_bytes,
             size_t buffer_bytes = kDefaultBufferBytes);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  bool next(std::string_view* line);
  // Whether the line last returned was longer than max_line_bytes (and so cut to that length).
  bool truncated() const { return truncated_; }
  size_t max_line_bytes() const { return max_line_bytes_; }
  uint64_t line_number() const { return line_number_; }  // 1-based number of the last line
  const std::string& path() const { return path_; }
  // Bytes of the (compressed) file consumed so far and its size: for progress bars.
  uint64_t bytes_consumed() const;
  uint64_t file_size() const { return file_size_; }
  // Whether the file is gzip or zstd (by its magic bytes).
  static bool is_compressed(const std::string& path);
  // Lines the whole file (or range) probably holds, extrapolated from the lines returned so far and
  // the compression ratio seen so far; 0 before the first line. For reserving buffers, not exact.
  uint64_t estimated_lines() const;

  class Source;  // plain / gzip / zstd block source

 private:
  bool refill();
  bool discard_rest_of_line();
  std::string_view take_line(size_t len);

  std::string path_;
  std::unique_ptr<Source> source_;
  std::string buffer_;
  size_t begin_ = 0, end_ = 0;
  size_t max_line_bytes_;
  bool eof_ = false;
  bool truncated_ = false;
  bool discarding_ = false;  // inside an over-long line, skipping to its '\n'
  uint64_t line_number_ = 0;
  uint64_t first_line_number_ = 0;  // line_number_ before the first line (a range's lines_before)
  uint64_t file_size_ = 0;
  uint64_t bytes_decoded_ = 0;  // decompressed bytes read into buffer_ so far
};

}  // namespace kairos
