#include "data/readers/file_chunks.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.h"
#include "core/parallel.h"

namespace kairos::readers {
namespace {

constexpr size_t kBlock = size_t{1} << 20;

class Fd {
 public:
  explicit Fd(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
    KAIROS_CHECK_IO(fd_ >= 0, "cannot open {}: {}", path, std::strerror(errno));
  }
  ~Fd() { ::close(fd_); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  size_t pread(char* out, size_t n, uint64_t at, const std::string& path) const {
    while (true) {
      const ssize_t r = ::pread(fd_, out, n, static_cast<off_t>(at));
      if (r >= 0) return static_cast<size_t>(r);
      KAIROS_CHECK_IO(errno == EINTR, "cannot read {}: {}", path, std::strerror(errno));
    }
  }

 private:
  int fd_;
};

// The offset just after the first '\n' at or after `from`, or `size` if there is none.
uint64_t next_line_start(const Fd& fd, const std::string& path, uint64_t from, uint64_t size) {
  std::vector<char> buf(64 << 10);
  for (uint64_t at = from; at < size;) {
    const size_t got = fd.pread(buf.data(), buf.size(), at, path);
    if (got == 0) break;
    if (const void* nl = std::memchr(buf.data(), '\n', got)) {
      return at + static_cast<uint64_t>(static_cast<const char*>(nl) - buf.data()) + 1;
    }
    at += got;
  }
  return size;
}

uint64_t count_newlines(const std::string& path, uint64_t begin, uint64_t end) {
  Fd fd(path);
  std::vector<char> buf(kBlock);
  uint64_t lines = 0;
  for (uint64_t at = begin; at < end;) {
    const size_t got = fd.pread(buf.data(), std::min<uint64_t>(buf.size(), end - at), at, path);
    if (got == 0) break;
    for (const char* p = buf.data(); const void* nl = std::memchr(p, '\n', buf.data() + got - p);) {
      ++lines;
      p = static_cast<const char*>(nl) + 1;
    }
    at += got;
  }
  return lines;
}

}  // namespace

std::vector<FileRange> split_at_lines(const std::string& path, int n) {
  struct stat st;
  KAIROS_CHECK_IO(::stat(path.c_str(), &st) == 0, "cannot open {}: {}", path, std::strerror(errno));
  const auto size = static_cast<uint64_t>(st.st_size);
  std::vector<FileRange> ranges;
  {
    const Fd fd(path);
    uint64_t begin = 0;
    for (int k = 1; k <= n && begin < size; ++k) {
      const uint64_t end =
          k == n ? size : std::max(begin, next_line_start(fd, path, size / n * k, size));
      if (end > begin) ranges.push_back({begin, end, 0});
      begin = end;
    }
  }
  if (ranges.size() < 2) return ranges;  // an empty file has none; one range has 0 lines before
  // Lines before each range: the '\n's of the ranges before it, counted one range a thread.
  std::vector<uint64_t> lines(ranges.size(), 0);
  parallel_for(ranges.size() - 1, n, 1, [&](size_t begin, size_t end, int) {
    for (size_t k = begin; k < end; ++k) {
      lines[k] = count_newlines(path, ranges[k].begin, ranges[k].end);
    }
  });
  for (size_t k = 1; k < ranges.size(); ++k) {
    ranges[k].lines_before = ranges[k - 1].lines_before + lines[k - 1];
  }
  return ranges;
}

}  // namespace kairos::readers
