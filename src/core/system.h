// Process-level facts: peak memory, wall clock, git commit of the build.
#pragma once

#include <chrono>
#include <cstdint>

namespace kairos {

// Peak resident set size of this process so far (getrusage ru_maxrss), in bytes.
uint64_t peak_rss_bytes();

// The git commit this binary was built from ("abc123def456", "…-dirty" or "unknown").
const char* build_git_commit();

// The wall clock as unix milliseconds.
inline int64_t unix_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  void reset() { start_ = std::chrono::steady_clock::now(); }

 private:
  std::chrono::steady_clock::time_point start_;
};

}  // namespace kairos
