#include "cli/child_process.h"

#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/error.h"
#include "core/system.h"

extern char** environ;

namespace kairos::cli {

std::string self_executable() { return std::filesystem::read_symlink("/proc/self/exe").string(); }

ChildResult run_child(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  Stopwatch clock;
  pid_t pid;
  const int rc = posix_spawn(&pid, args[0], nullptr, nullptr, args.data(), environ);
  KAIROS_CHECK_IO(rc == 0, "cannot start {}: {}", argv[0], std::strerror(rc));
  int status = 0;
  rusage usage{};
  while (wait4(pid, &status, 0, &usage) < 0) {
    KAIROS_CHECK_IO(errno == EINTR, "wait for {} failed: {}", argv[0], std::strerror(errno));
  }
  ChildResult r;
  r.wall_seconds = clock.seconds();
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.peak_rss_bytes = static_cast<uint64_t>(usage.ru_maxrss) * 1024;
  return r;
}

}  // namespace kairos::cli
