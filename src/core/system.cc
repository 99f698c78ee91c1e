#include "core/system.h"

#include <sys/resource.h>

#include "git_commit.h"

namespace kairos {

uint64_t peak_rss_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<uint64_t>(usage.ru_maxrss) * 1024;  // Linux reports KiB
}

const char* build_git_commit() { return KAIROS_GIT_COMMIT; }

}  // namespace kairos
