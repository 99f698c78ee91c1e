// Atomic file writes: write to `path.tmp.<pid>`, fsync, rename over `path`. A reader never sees a
// half-written artifact, and a crash leaves the old file in place.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace kairos {

void write_file_atomic(const std::string& path, std::string_view content);

// Streaming form: write() pieces, optionally overwrite earlier bytes with write_at(), then
// commit(). Destroying an uncommitted AtomicFile removes the temporary file.
class AtomicFile {
 public:
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(const void* data, size_t size);
  void write_at(uint64_t offset, const void* data, size_t size);
  uint64_t position() const { return position_; }
  void commit();

 private:
  std::string path_, tmp_;
  int fd_ = -1;
  uint64_t position_ = 0;
};

// Creates `dir` and its parents if missing (throws kIo).
void ensure_directory(const std::string& dir);

}  // namespace kairos
