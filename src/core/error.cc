#include "core/error.h"

#include <cstdio>
#include <cstdlib>

namespace kairos {

void abort_with(const char* file, int line, const char* cond, const std::string& msg) {
  std::fprintf(stderr, "kairos: internal invariant broken at %s:%d: %s %s\n", file, line, cond,
               msg.c_str());
  std::abort();
}

}  // namespace kairos
