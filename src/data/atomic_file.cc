#include "data/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "core/error.h"

namespace kairos {

void write_file_atomic(const std::string& path, std::string_view content) {
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

}  // namespace kairos
