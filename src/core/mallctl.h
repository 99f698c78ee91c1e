// jemalloc's control interface when jemalloc is the process's allocator (the `kairos` executable is
// linked with it; libraries and tests are not), looked up at run time so nothing links against it.
#pragma once

#include <cstddef>

namespace kairos {

using Mallctl = int (*)(const char* name, void* old, size_t* old_len, void* value, size_t len);

// jemalloc's mallctl, or null under another allocator.
Mallctl jemalloc_mallctl();

}  // namespace kairos
