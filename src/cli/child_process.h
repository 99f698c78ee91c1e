// Runs a child process and reports its wall time and peak memory (wait4 rusage), so that
// `kairos bench` measures the real commands end to end, each in a clean process.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kairos::cli {

struct ChildResult {
  int exit_code = -1;
  double wall_seconds = 0;
  uint64_t peak_rss_bytes = 0;
};

ChildResult run_child(const std::vector<std::string>& argv);

// Path of the running kairos binary.
std::string self_executable();

}  // namespace kairos::cli
