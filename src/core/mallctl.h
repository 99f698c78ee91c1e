// jemalloc's control interface when jemalloc is the process's allocator (the `kairos` executable is
// linked with it; libraries and tests are not), looked up at run time so nothing links against it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace kairos {

using Mallctl = int (*)(const char* name, void* old, size_t* old_len, void* value, size_t len);

// jemalloc's mallctl, or null under another allocator.
Mallctl jemalloc_mallctl();

// Training with jemalloc's time-based purging off (models/deep/torch_runtime.h) keeps every freed
// page for reuse; when step shapes vary, pages that no later step reuses would pile up, so the
// trainer purges them every `steps` steps (0: never). Process-wide; no-op without jemalloc.
void set_purge_period(uint64_t steps);
// The trainer calls this after each step: purges every set_purge_period() steps.
void note_training_step();

}  // namespace kairos
