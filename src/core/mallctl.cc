#include "core/mallctl.h"

#include <dlfcn.h>

#include <atomic>

namespace kairos {
namespace {

std::atomic<uint64_t> purge_period{0}, steps_since_purge{0};

}  // namespace

Mallctl jemalloc_mallctl() {
  static const auto fn = reinterpret_cast<Mallctl>(dlsym(RTLD_DEFAULT, "mallctl"));
  return fn;
}

void set_purge_period(uint64_t steps) {
  purge_period = steps;
  steps_since_purge = 0;
}

void note_training_step() {
  const uint64_t period = purge_period.load(std::memory_order_relaxed);
  if (period == 0 || ++steps_since_purge < period) return;
  steps_since_purge = 0;
  // "arena.<MALLCTL_ARENAS_ALL>.purge": every arena's unused dirty pages back to the kernel.
  if (const Mallctl mallctl = jemalloc_mallctl())
    mallctl("arena.4096.purge", nullptr, nullptr, nullptr, 0);
}

}  // namespace kairos
