#include "data/atomic_file.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include "core/error.h"

namespace kairos {

void write_file_atomic(const std::string& path, std::string_view content) {
  // Result files (--json, --csv, --out) often go to a folder not made yet: make it.
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  AtomicFile file(path);
  file.write(content.data(), content.size());
  file.commit();
}

AtomicFile::AtomicFile(std::string path)
    : path_(std::move(path)), tmp_(path_ + ".tmp." + std::to_string(::getpid())) {
  fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  KAIROS_CHECK_IO(fd_ >= 0, "cannot create {}: {}", tmp_, std::strerror(errno));
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(tmp_.c_str());
  }
}

void AtomicFile::write_at(uint64_t offset, const void* data, size_t size) {
  const auto* p = static_cast<const char*>(data);
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pwrite(fd_, p + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    KAIROS_CHECK_IO(n > 0, "cannot write {}: {}", tmp_, std::strerror(errno));
    done += static_cast<size_t>(n);
  }
}

void AtomicFile::write(const void* data, size_t size) {
  write_at(position_, data, size);
  position_ += size;
}

void AtomicFile::commit() {
  KAIROS_CHECK_IO(::fsync(fd_) == 0, "cannot sync {}: {}", tmp_, std::strerror(errno));
  ::close(fd_);
  fd_ = -1;
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp_.c_str());
    KAIROS_THROW(ErrorKind::kIo, "cannot rename {} to {}: {}", tmp_, path_, std::strerror(err));
  }
}

void ensure_directory(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  KAIROS_CHECK_IO(!ec, "cannot create directory {}: {}", dir, ec.message());
}

namespace fs = std::filesystem;

void fsync_path(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  KAIROS_CHECK_IO(fd >= 0, "cannot open {} to sync it: {}", path, std::strerror(errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  KAIROS_CHECK_IO(rc == 0, "cannot sync {}: {}", path, std::strerror(err));
}

void fsync_tree(const std::string& dir) {
  std::vector<std::string> dirs{dir};
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_directory()) {
      dirs.push_back(entry.path().string());
    } else if (entry.is_regular_file()) {
      fsync_path(entry.path().string());
    }
  }
  // Children before parents, so that a synced directory names only synced entries.
  for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) fsync_path(*it);
}

namespace {

std::string parent_of(const std::string& path) {
  const fs::path p = fs::path(path).parent_path();
  return p.empty() ? "." : p.string();
}

// Two renames with a moment where `final_dir` is missing: only for filesystems that cannot
// exchange. The previous directory waits at `tmp.old`, which stale-temporary cleanup also covers.
void replace_in_two_steps(const std::string& tmp, const std::string& final_dir) {
  spdlog::warn("{}: the filesystem cannot swap directories atomically; replacing in two steps",
               final_dir);
  const std::string aside = tmp + ".old";
  KAIROS_CHECK_IO(::rename(final_dir.c_str(), aside.c_str()) == 0, "cannot move {} aside: {}",
                  final_dir, std::strerror(errno));
  KAIROS_CHECK_IO(::rename(tmp.c_str(), final_dir.c_str()) == 0, "cannot rename {} to {}: {}", tmp,
                  final_dir, std::strerror(errno));
  fsync_path(parent_of(final_dir));
  std::error_code ec;
  fs::remove_all(aside, ec);
}

}  // namespace

void commit_directory(const std::string& tmp, const std::string& final_dir) {
  fsync_tree(tmp);
  const std::string parent = parent_of(final_dir);
  if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, final_dir.c_str(), RENAME_EXCHANGE) == 0) {
    fsync_path(parent);  // the swap is durable; `tmp` now holds the previous directory
    std::error_code ec;
    fs::remove_all(tmp, ec);  // a failure leaves a stale temporary for the next save
    return;
  }
  const int err = errno;
  if (err == EINVAL || err == ENOSYS || err == ENOTSUP) {
    if (fs::exists(final_dir)) return replace_in_two_steps(tmp, final_dir);
  } else {
    KAIROS_CHECK_IO(err == ENOENT && fs::exists(tmp), "cannot swap {} into {}: {}", tmp, final_dir,
                    std::strerror(err));
  }
  // No previous directory: a plain rename (fails rather than merge if one appeared meanwhile).
  KAIROS_CHECK_IO(::rename(tmp.c_str(), final_dir.c_str()) == 0, "cannot rename {} to {}: {}", tmp,
                  final_dir, std::strerror(errno));
  fsync_path(parent);
}

size_t remove_stale_temporaries(const std::string& final_dir) {
  const fs::path target(final_dir);
  const std::string prefix = target.filename().string() + ".tmp-";
  const std::string parent = parent_of(final_dir);
  size_t removed = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(parent, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    const char* digits = name.c_str() + prefix.size();
    char* end = nullptr;
    const long pid = std::strtol(digits, &end, 10);
    if (end == digits || pid <= 0) continue;
    const bool ours = pid == ::getpid();  // left by an earlier process that had our pid
    if (!ours && !(::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)) continue;
    std::error_code rm;
    fs::remove_all(entry.path(), rm);
    removed += rm ? 0 : 1;
  }
  return removed;
}

AtomicDirectory::AtomicDirectory(std::string final_dir)
    : final_(std::move(final_dir)), tmp_(final_ + ".tmp-" + std::to_string(::getpid())) {
  const std::string parent = parent_of(final_);
  ensure_directory(parent);
  remove_stale_temporaries(final_);
  std::error_code ec;
  fs::remove_all(tmp_, ec);
  fs::create_directory(tmp_, ec);
  KAIROS_CHECK_IO(!ec, "cannot create {}: {}", tmp_, ec.message());
}

AtomicDirectory::~AtomicDirectory() {
  if (committed_) return;
  std::error_code ec;
  fs::remove_all(tmp_, ec);
}

void AtomicDirectory::commit() {
  KAIROS_ASSERT(!committed_);
  commit_directory(tmp_, final_);
  committed_ = true;
}

}  // namespace kairos
