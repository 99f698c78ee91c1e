#include "models/deep/torch_runtime.h"

#include <dlfcn.h>
#include <fmt/format.h>
#include <malloc.h>
#include <torch/torch.h>

namespace kairos {
namespace {

using SetThreads = void (*)(int);
using GetThreads = int (*)();

template <typename F>
F lookup(const char* name) {
  return reinterpret_cast<F>(dlsym(RTLD_DEFAULT, name));
}

}  // namespace

void configure_allocator() {
  // Training allocates and frees the same multi-megabyte tensors every step. glibc serves blocks
  // over 128 KiB with mmap and unmaps them on free, so each step paid page faults and zeroing
  // (high in a GRU4Rec perf profile); keeping them in the heap lets the next step reuse them.
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
}

void set_compute_threads(int threads) {
  if (threads < 1) threads = 1;
  at::set_num_threads(threads);
  if (auto f = lookup<SetThreads>("openblas_set_num_threads")) f(threads);
}

std::string compute_description() {
  std::string blas = "BLAS unknown";
  if (auto f = lookup<GetThreads>("openblas_get_num_threads")) {
    blas = fmt::format("OpenBLAS ({} threads)", f());
  }
  return fmt::format("torch {}, intra-op threads {}, {}", TORCH_VERSION, at::get_num_threads(),
                     blas);
}

void seed_torch(uint64_t seed) { torch::manual_seed(seed); }

}  // namespace kairos
