#include "models/deep/torch_runtime.h"

#include <dlfcn.h>
#include <fmt/format.h>
#include <malloc.h>
#include <torch/torch.h>

#include <algorithm>
#include <string>

#include "core/mallctl.h"

namespace kairos {
namespace {

// Steps between purges for trainers whose step shapes vary (docs/BENCHMARKS.md, "The training
// allocator, again", 2026-12-07).
constexpr uint64_t kVaryingPurgeSteps = 100;

using SetThreads = void (*)(int);
using GetThreads = int (*)();

template <typename F>
F lookup(const char* name) {
  return reinterpret_cast<F>(dlsym(RTLD_DEFAULT, name));
}

void set_blas_threads(int threads) {
  if (auto f = lookup<SetThreads>("openblas_set_num_threads")) f(threads);
}

}  // namespace

void configure_allocator(StepShapes shapes) {
  // Training allocates and frees the same multi-megabyte tensors every step. glibc serves blocks
  // over 128 KiB with mmap and unmaps them on free, so each step paid page faults and zeroing
  // (high in a GRU4Rec perf profile); keeping them in the heap lets the next step reuse them.
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
  // The `kairos` executable runs on jemalloc (serve/heap_stats.h), where mallopt does nothing and
  // freed pages are purged after dirty_decay_ms (10 s): a GRU4Rec epoch ran 10-15 % slower than on
  // glibc until purging was turned off for training (docs/BENCHMARKS.md, 2026-12-03). But with
  // shapes that vary, pages no later step reuses pile up: NARM on Amazon Beauty (batches padded
  // to their longest sequence, up to 50, so its [B, L, L, H] attention tensors vary 600-fold)
  // grew by ~1 GB per epoch with purging off, to 21 GB after 19 epochs (docs/BENCHMARKS.md,
  // 2026-12-07). jemalloc's own time-based purging is no answer: with it on
  // (10 s, or even 60 s) SASRec's Diginetica epoch took 198 s instead of 103 s. So purging stays
  // off for every trainer, and for varying shapes the trainer purges every kVaryingPurgeSteps steps
  // (core/mallctl.h). The default for new arenas and each existing arena's setting are both set;
  // an arena not yet initialised refuses the write, which is fine.
  set_purge_period(shapes == StepShapes::kFixed ? 0 : kVaryingPurgeSteps);
  if (const Mallctl mallctl = jemalloc_mallctl()) {
    ssize_t never = -1;
    for (const char* key : {"arenas.dirty_decay_ms", "arenas.muzzy_decay_ms"})
      mallctl(key, nullptr, nullptr, &never, sizeof never);
    unsigned narenas = 0;
    size_t len = sizeof narenas;
    if (mallctl("arenas.narenas", &narenas, &len, nullptr, 0) != 0) return;
    for (unsigned i = 0; i < narenas; ++i) {
      for (const char* what : {"dirty_decay_ms", "muzzy_decay_ms"}) {
        const std::string key = fmt::format("arena.{}.{}", i, what);
        mallctl(key.c_str(), nullptr, nullptr, &never, sizeof never);
      }
    }
  }
}

void set_compute_threads(int threads) {
  if (threads < 1) threads = 1;
  at::set_num_threads(threads);
  set_blas_threads(threads);
}

TrainingThreads::TrainingThreads(int blas_threads) {
  at::set_num_threads(1);
  set_blas_threads(std::max(1, blas_threads));
}

TrainingThreads::~TrainingThreads() { set_compute_threads(1); }

std::string compute_description(int training_threads) {
  const char* blas = lookup<GetThreads>("openblas_get_num_threads") ? "OpenBLAS" : "BLAS unknown";
  return fmt::format("torch {}, {}; training threads {} (LibTorch intra-op 1)", TORCH_VERSION, blas,
                     std::max(1, training_threads));
}

void seed_torch(uint64_t seed) { torch::manual_seed(seed); }

}  // namespace kairos
