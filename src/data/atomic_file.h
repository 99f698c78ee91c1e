// Atomic file writes: write to `path.tmp.<pid>`, fsync, rename over `path`. A reader never sees a
// half-written artifact, and a crash leaves the old file in place.
//
// Atomic directory writes (AtomicDirectory, commit_directory): the files are written into
// `dir.tmp-<pid>`, synced, and the directory replaces `dir` in one step — on Linux
// renameat2(RENAME_EXCHANGE) swaps it with the existing directory, which is then removed — so a
// kill -9 or power loss at any moment leaves either the previous or the new directory at `dir`,
// never none and never a mix.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace kairos {

// Writes `content` to `path` through a temporary file and a rename; makes missing parent folders.
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

// fsync of a file or directory (throws kIo).
void fsync_path(const std::string& path);
// fsync of every regular file under `dir`, then of every directory, deepest first (throws kIo).
void fsync_tree(const std::string& dir);

// Makes `tmp` (a complete directory) the directory `final_dir`: syncs tmp's files and tmp, then in
// one atomic step swaps it with the existing `final_dir` (or renames it there when none exists),
// syncs the parent directory and removes the previous contents (which now sit at `tmp`). Throws
// kIo; on a filesystem without RENAME_EXCHANGE it falls back to two renames (logged warning).
void commit_directory(const std::string& tmp, const std::string& final_dir);

// Removes `<final_dir>.tmp-<pid>...` siblings left by saves whose process no longer runs (a
// killed save, or the previous directory of a save killed after its swap). Returns the number
// removed.
size_t remove_stale_temporaries(const std::string& final_dir);

// A directory written under a temporary name and committed in one atomic step:
//   AtomicDirectory out(dir);  write files under out.path();  out.commit();
// The constructor removes stale temporaries of `final_dir` and creates an empty `path()`.
// Destroying an uncommitted AtomicDirectory removes the temporary directory.
class AtomicDirectory {
 public:
  explicit AtomicDirectory(std::string final_dir);
  ~AtomicDirectory();
  AtomicDirectory(const AtomicDirectory&) = delete;
  AtomicDirectory& operator=(const AtomicDirectory&) = delete;

  const std::string& path() const { return tmp_; }
  void commit();

 private:
  std::string final_, tmp_;
  bool committed_ = false;
};

}  // namespace kairos
