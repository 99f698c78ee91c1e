#include "models/deep/torch_runtime.h"

#include <dlfcn.h>
#include <fmt/format.h>
#include <malloc.h>
#include <torch/torch.h>

#include <algorithm>

namespace kairos {
namespace {

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
