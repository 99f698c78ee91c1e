// LineReader streams the lines of a plain, gzip (.gz) or zstd (.zst) file; the compression is
// detected from the file's magic bytes, not its name. Lines are returned without '\n' / "\r\n".
// Returned views stay valid until the next call to next().
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace kairos {

class LineReader {
 public:
  explicit LineReader(const std::string& path);  // throws kIo if it cannot be opened
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  bool next(std::string_view* line);
  uint64_t line_number() const { return line_number_; }  // 1-based number of the last line
  const std::string& path() const { return path_; }
  // Bytes of the (compressed) file consumed so far and its size: for progress bars.
  uint64_t bytes_consumed() const;
  uint64_t file_size() const { return file_size_; }
  // Lines the whole file probably holds, extrapolated from the lines returned so far and the
  // compression ratio seen so far; 0 before the first line. For reserving buffers, not exact.
  uint64_t estimated_lines() const;

  class Source;  // plain / gzip / zstd block source

 private:
  bool refill();

  std::string path_;
  std::unique_ptr<Source> source_;
  std::string buffer_;
  size_t begin_ = 0, end_ = 0;
  bool eof_ = false;
  uint64_t line_number_ = 0;
  uint64_t file_size_ = 0;
  uint64_t bytes_decoded_ = 0;  // decompressed bytes read into buffer_ so far
};

}  // namespace kairos
