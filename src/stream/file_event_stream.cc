// The file backend of the event stream (stream/event_stream.h).
//
// Files are named events-<6-digit number>-<UTC start>.tsv; the number continues from the highest
// one in the directory, so name order is write order across restarts. A restarted server never
// appends to an existing file: it opens the next number. Each file starts with the header row.
//
// Group commit: append() writes its lines under `write_mu_` (one write(2)), then syncs under
// `sync_mu_`; a sync covers every byte written before it started, so concurrent requests share one
// fdatasync instead of queueing one each. Rotation takes both locks (sync first), syncs and closes
// the old file, and opens the next.
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <mutex>

#include "core/error.h"
#include "stream/event_stream.h"

namespace kairos {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string utc_stamp() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

// The number in "events-<number>-..." (0 if the name is not a stream file).
uint64_t file_number(const std::string& name) {
  if (name.rfind("events-", 0) != 0) return 0;
  return std::strtoull(name.c_str() + 7, nullptr, 10);
}

class FileEventStream final : public EventStream {
 public:
  explicit FileEventStream(EventStreamOptions o) : o_(std::move(o)) {
    std::error_code ec;
    fs::create_directories(o_.dir, ec);
    KAIROS_CHECK_IO(!ec, "event log {}: {}", o_.dir, ec.message());
    for (const auto& e : fs::directory_iterator(o_.dir, ec))
      number_ = std::max(number_, file_number(e.path().filename().string()));
    KAIROS_CHECK_IO(!ec, "event log {}: {}", o_.dir, ec.message());
    open_next();
  }
  ~FileEventStream() override {
    if (fd_ >= 0) {
      ::fdatasync(fd_);
      ::close(fd_);
    }
  }

  void append(std::span<const StreamRecord> records) override {
    if (records.empty()) return;
    std::string bytes;
    for (const auto& r : records) bytes += format_stream_line(r);
    if (due_for_rotation()) rotate();
    uint64_t generation, end;
    {
      std::lock_guard lock(write_mu_);
      try {
        write_all(bytes);
      } catch (const StreamUnavailable&) {
        broken_ = true;  // a torn line may end the file: the next append starts a new one
        throw;
      }
      written_ += bytes.size();
      generation = generation_;
      end = written_;
    }
    std::lock_guard lock(sync_mu_);
    if (generation != generation_ || synced_ >= end) return;  // rotated (synced) or covered
    uint64_t target;
    int fd;
    {
      std::lock_guard w(write_mu_);
      target = written_;
      fd = fd_;
    }
    if (::fdatasync(fd) != 0)
      throw StreamUnavailable(fmt::format("event log {}: sync: {}", path_, std::strerror(errno)));
    synced_ = target;
  }

  std::string describe() const override { return "files " + o_.dir; }

 private:
  bool due_for_rotation() {
    std::lock_guard lock(write_mu_);
    return broken_ || written_ >= o_.rotate_bytes || Clock::now() - opened_ >= o_.rotate_age;
  }

  void rotate() {
    std::lock_guard s(sync_mu_);
    std::lock_guard w(write_mu_);
    if (!broken_ && written_ < o_.rotate_bytes && Clock::now() - opened_ < o_.rotate_age)
      return;  // another writer rotated first
    if (::fdatasync(fd_) != 0 && !broken_)
      throw StreamUnavailable(fmt::format("event log {}: sync: {}", path_, std::strerror(errno)));
    ::close(fd_);
    fd_ = -1;
    open_next();
    broken_ = false;
    remove_old();
  }

  // Under both locks (or in the constructor).
  void open_next() {
    ++number_;
    path_ = (fs::path(o_.dir) / fmt::format("events-{:06}-{}.tsv", number_, utc_stamp())).string();
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
    KAIROS_CHECK_IO(fd_ >= 0, "event log {}: {}", path_, std::strerror(errno));
    const std::string header = std::string(kStreamHeader) + "\n";
    write_all(header);
    KAIROS_CHECK_IO(::fdatasync(fd_) == 0, "event log {}: sync: {}", path_, std::strerror(errno));
    // The new name must survive a crash too: sync the directory entry.
    if (const int dir = ::open(o_.dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir >= 0) {
      ::fsync(dir);
      ::close(dir);
    }
    written_ = synced_ = header.size();
    ++generation_;
    opened_ = Clock::now();
  }

  void write_all(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0)
        throw StreamUnavailable(
            fmt::format("event log {}: write: {}", path_, std::strerror(errno)));
      bytes.remove_prefix(static_cast<size_t>(n));
    }
  }

  // Deletes stream files not modified within `keep` (never the open one).
  void remove_old() {
    std::error_code ec;
    const auto cutoff = fs::file_time_type::clock::now() - o_.keep;
    for (const auto& e : fs::directory_iterator(o_.dir, ec)) {
      const std::string name = e.path().filename().string();
      if (file_number(name) == 0 || e.path() == fs::path(path_)) continue;
      if (e.last_write_time(ec) < cutoff) fs::remove(e.path(), ec);
    }
  }

  EventStreamOptions o_;
  std::mutex sync_mu_, write_mu_;  // lock order: sync_mu_, then write_mu_
  int fd_ = -1;
  std::string path_;
  uint64_t number_ = 0, generation_ = 0, written_ = 0, synced_ = 0;
  bool broken_ = false;  // a write failed part-way
  Clock::time_point opened_;
};

}  // namespace

std::unique_ptr<EventStream> open_file_stream(const EventStreamOptions& o) {
  KAIROS_CHECK_USAGE(!o.dir.empty(), "event log: no directory");
  return std::make_unique<FileEventStream>(o);
}

}  // namespace kairos
