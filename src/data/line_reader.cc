#include "data/line_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "core/error.h"

namespace kairos {

// A stream of decompressed bytes.
class LineReader::Source {
 public:
  virtual ~Source() = default;
  // Reads up to n bytes; 0 at end of input. Throws kIo / kInput on errors.
  virtual size_t read(char* out, size_t n) = 0;
  virtual uint64_t consumed() const = 0;  // bytes of the underlying file consumed
};

namespace {

constexpr size_t kChunk = 1 << 20;

class FileHandle {
 public:
  explicit FileHandle(const std::string& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    KAIROS_CHECK_IO(fd_ >= 0, "cannot open {}: {}", path, std::strerror(errno));
  }
  ~FileHandle() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileHandle(const FileHandle&) = delete;
  FileHandle& operator=(const FileHandle&) = delete;
  size_t read(char* out, size_t n) {
    while (true) {
      const ssize_t r = ::read(fd_, out, n);
      if (r >= 0) {
        consumed_ += static_cast<uint64_t>(r);
        return static_cast<size_t>(r);
      }
      KAIROS_CHECK_IO(errno == EINTR, "cannot read {}: {}", path_, std::strerror(errno));
    }
  }
  uint64_t consumed() const { return consumed_; }
  const std::string& path() const { return path_; }
  int fd() const { return fd_; }

 private:
  std::string path_;
  int fd_ = -1;
  uint64_t consumed_ = 0;
};

class PlainSource : public LineReader::Source {
 public:
  explicit PlainSource(const std::string& path) : file_(path) {}
  size_t read(char* out, size_t n) override { return file_.read(out, n); }
  uint64_t consumed() const override { return file_.consumed(); }

 private:
  FileHandle file_;
};

// Bytes [begin, end) of a plain file.
class RangeSource : public LineReader::Source {
 public:
  RangeSource(const std::string& path, uint64_t begin, uint64_t end)
      : file_(path), left_(end - begin) {
    KAIROS_CHECK_IO(::lseek(file_.fd(), static_cast<off_t>(begin), SEEK_SET) >= 0,
                    "cannot seek in {}: {}", path, std::strerror(errno));
  }
  size_t read(char* out, size_t n) override {
    const size_t got = file_.read(out, static_cast<size_t>(std::min<uint64_t>(n, left_)));
    left_ -= got;
    return got;
  }
  uint64_t consumed() const override { return file_.consumed(); }

 private:
  FileHandle file_;
  uint64_t left_;
};

// gzip (including concatenated members) via zlib's inflate.
class GzipSource : public LineReader::Source {
 public:
  explicit GzipSource(const std::string& path) : file_(path), in_(kChunk) {
    std::memset(&z_, 0, sizeof(z_));
    KAIROS_CHECK_IO(inflateInit2(&z_, 15 + 32) == Z_OK, "zlib init failed for {}", path);
  }
  ~GzipSource() override { inflateEnd(&z_); }
  size_t read(char* out, size_t n) override {
    z_.next_out = reinterpret_cast<Bytef*>(out);
    z_.avail_out = static_cast<uInt>(n);
    while (z_.avail_out == n && !done_) {
      if (z_.avail_in == 0) {
        const size_t got = file_.read(in_.data(), in_.size());
        if (got == 0) {
          KAIROS_CHECK(stream_end_, "{}: truncated gzip stream", file_.path());
          done_ = true;
          break;
        }
        z_.next_in = reinterpret_cast<Bytef*>(in_.data());
        z_.avail_in = static_cast<uInt>(got);
      }
      const int rc = inflate(&z_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        stream_end_ = true;
        inflateReset(&z_);  // a following member, if any, starts a new stream
        continue;
      }
      KAIROS_CHECK(rc == Z_OK || rc == Z_BUF_ERROR, "{}: corrupt gzip data ({})", file_.path(),
                   z_.msg ? z_.msg : "inflate error");
      stream_end_ = false;
    }
    return n - z_.avail_out;
  }
  uint64_t consumed() const override { return file_.consumed() - z_.avail_in; }

 private:
  FileHandle file_;
  std::vector<char> in_;
  z_stream z_;
  bool stream_end_ = false, done_ = false;
};

class ZstdSource : public LineReader::Source {
 public:
  explicit ZstdSource(const std::string& path) : file_(path), in_(ZSTD_DStreamInSize()) {
    ctx_ = ZSTD_createDCtx();
    KAIROS_CHECK_IO(ctx_ != nullptr, "zstd init failed for {}", path);
  }
  ~ZstdSource() override { ZSTD_freeDCtx(ctx_); }
  size_t read(char* out, size_t n) override {
    ZSTD_outBuffer ob{out, n, 0};
    while (ob.pos == 0) {
      if (input_.pos == input_.size) {
        const size_t got = file_.read(in_.data(), in_.size());
        if (got == 0) {
          KAIROS_CHECK(frame_done_, "{}: truncated zstd stream", file_.path());
          return 0;
        }
        input_ = {in_.data(), got, 0};
      }
      const size_t rc = ZSTD_decompressStream(ctx_, &ob, &input_);
      KAIROS_CHECK(!ZSTD_isError(rc), "{}: corrupt zstd data ({})", file_.path(),
                   ZSTD_getErrorName(rc));
      frame_done_ = rc == 0;
    }
    return ob.pos;
  }
  uint64_t consumed() const override { return file_.consumed() - (input_.size - input_.pos); }

 private:
  FileHandle file_;
  std::vector<char> in_;
  ZSTD_inBuffer input_{nullptr, 0, 0};
  ZSTD_DCtx* ctx_ = nullptr;
  bool frame_done_ = true;
};

enum class Compression { kNone, kGzip, kZstd };

Compression compression_of(const std::string& path) {
  unsigned char magic[4] = {0, 0, 0, 0};
  FileHandle probe(path);
  probe.read(reinterpret_cast<char*>(magic), sizeof(magic));
  if (magic[0] == 0x1f && magic[1] == 0x8b) return Compression::kGzip;
  if (magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd) {
    return Compression::kZstd;
  }
  return Compression::kNone;
}

std::unique_ptr<LineReader::Source> open_source(const std::string& path) {
  switch (compression_of(path)) {
    case Compression::kGzip:
      return std::make_unique<GzipSource>(path);
    case Compression::kZstd:
      return std::make_unique<ZstdSource>(path);
    case Compression::kNone:
      break;
  }
  return std::make_unique<PlainSource>(path);
}

}  // namespace

LineReader::LineReader(const std::string& path, size_t max_line_bytes, size_t buffer_bytes)
    : path_(path), max_line_bytes_(max_line_bytes) {
  KAIROS_CHECK_USAGE(max_line_bytes > 0, "the line length limit must be positive");
  KAIROS_CHECK_USAGE(buffer_bytes > 0, "the line buffer size must be positive");
  struct stat st;
  KAIROS_CHECK_IO(::stat(path.c_str(), &st) == 0, "cannot open {}: {}", path, std::strerror(errno));
  KAIROS_CHECK_IO(!S_ISDIR(st.st_mode), "{} is a directory, expected a file", path);
  file_size_ = static_cast<uint64_t>(st.st_size);
  source_ = open_source(path);
  // A small file needs no more than its size (fuzzers and tests open thousands of them); the
  // buffer still grows for longer lines, e.g. from compressed input.
  constexpr uint64_t kMinBufferBytes = 4096;
  buffer_.resize(std::min<uint64_t>(buffer_bytes, std::max(file_size_ + 1, kMinBufferBytes)));
}

LineReader::LineReader(const std::string& path, const FileRange& range, size_t max_line_bytes,
                       size_t buffer_bytes)
    : path_(path), max_line_bytes_(max_line_bytes) {
  KAIROS_CHECK_USAGE(max_line_bytes > 0, "the line length limit must be positive");
  KAIROS_CHECK_USAGE(buffer_bytes > 0, "the line buffer size must be positive");
  KAIROS_CHECK_USAGE(range.begin <= range.end, "{}: empty byte range", path);
  file_size_ = range.end - range.begin;
  line_number_ = first_line_number_ = range.lines_before;
  source_ = std::make_unique<RangeSource>(path, range.begin, range.end);
  constexpr uint64_t kMinBufferBytes = 4096;
  buffer_.resize(std::min<uint64_t>(buffer_bytes, std::max(file_size_ + 1, kMinBufferBytes)));
}

LineReader::~LineReader() = default;

bool LineReader::is_compressed(const std::string& path) {
  return compression_of(path) != Compression::kNone;
}

uint64_t LineReader::bytes_consumed() const { return source_->consumed(); }

uint64_t LineReader::estimated_lines() const {
  const uint64_t returned = bytes_decoded_ - (end_ - begin_);  // bytes of the lines returned
  const uint64_t consumed = source_->consumed();
  const uint64_t lines = line_number_ - first_line_number_;
  if (lines == 0 || returned == 0 || consumed == 0) return lines;
  const double decoded_size = static_cast<double>(file_size_) * bytes_decoded_ / consumed;
  return static_cast<uint64_t>(decoded_size * lines / returned);
}

bool LineReader::refill() {
  if (eof_) return false;
  if (begin_ > 0) {  // move the partial line to the front
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  // Grows only while a line within the cap does not fit (the cap is above the initial size).
  if (end_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);
  const size_t got = source_->read(buffer_.data() + end_, buffer_.size() - end_);
  if (got == 0) {
    eof_ = true;
    return false;
  }
  end_ += got;
  bytes_decoded_ += got;
  return true;
}

// Skips the rest of an over-long line through its '\n'; false if the input ends first.
bool LineReader::discard_rest_of_line() {
  while (true) {
    const void* nl = std::memchr(buffer_.data() + begin_, '\n', end_ - begin_);
    if (nl != nullptr) {
      begin_ = static_cast<size_t>(static_cast<const char*>(nl) - buffer_.data()) + 1;
      discarding_ = false;
      return true;
    }
    begin_ = end_;
    if (!refill()) return false;
  }
}

// Hands out the `len` bytes at begin_ (without their line ending) as the current line, cutting
// an over-long one to the cap.
std::string_view LineReader::take_line(size_t len) {
  truncated_ = len > max_line_bytes_;
  ++line_number_;
  return std::string_view(buffer_.data() + begin_, truncated_ ? max_line_bytes_ : len);
}

bool LineReader::next(std::string_view* line) {
  truncated_ = false;
  if (discarding_ && !discard_rest_of_line()) return false;
  size_t scan = begin_;
  while (true) {
    const void* nl = std::memchr(buffer_.data() + scan, '\n', end_ - scan);
    if (nl != nullptr) {
      const size_t pos = static_cast<size_t>(static_cast<const char*>(nl) - buffer_.data());
      size_t len = pos - begin_;
      if (len > 0 && buffer_[pos - 1] == '\r') --len;
      *line = take_line(len);
      begin_ = pos + 1;
      return true;
    }
    const size_t scanned = end_ - begin_;
    // Longer than the cap even if a "\r\n" follows: hand out the cut line, drop the rest later.
    if (max_line_bytes_ != kUnlimited && scanned > max_line_bytes_ + 1) {
      *line = take_line(scanned);
      begin_ += max_line_bytes_;  // keeps the returned bytes in place until the next call
      discarding_ = true;
      return true;
    }
    if (!refill()) break;
    scan = begin_ + scanned;
  }
  if (begin_ == end_) return false;
  size_t len = end_ - begin_;  // last line without '\n'
  if (buffer_[begin_ + len - 1] == '\r') --len;
  *line = take_line(len);
  begin_ = end_;
  return true;
}

}  // namespace kairos
