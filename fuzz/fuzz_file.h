// Fuzz-target helper: the readers and LineReader take file paths, so each input is written to a
// per-process file under /dev/shm (or the temp directory) and read back from there.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace kairos::fuzz {

inline const std::string& scratch_path() {
  static const std::string path = [] {
    const std::filesystem::path dir = std::filesystem::is_directory("/dev/shm")
                                          ? "/dev/shm"
                                          : std::filesystem::temp_directory_path();
    return (dir / ("kairos-fuzz-" + std::to_string(::getpid()))).string();
  }();
  return path;
}

// Writes `data` to scratch_path() and returns it; aborts if the file cannot be written.
inline const std::string& write_scratch(const uint8_t* data, size_t size) {
  const std::string& path = scratch_path();
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr || (size > 0 && std::fwrite(data, 1, size, f) != size) || std::fclose(f) != 0) {
    std::perror(path.c_str());
    std::abort();
  }
  static const bool cleanup = [] {
    return std::atexit([] { std::remove(scratch_path().c_str()); }) == 0;
  }();
  (void)cleanup;
  return path;
}

}  // namespace kairos::fuzz
