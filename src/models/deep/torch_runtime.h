// Process-wide LibTorch settings. Kept free of LibTorch headers so the CLI can call it.
//
// Threads: LibTorch's intra-op pool and the pthread OpenBLAS pool are separate; on two cores,
// running both with two threads oversubscribes them (GRU4Rec trained 2.4x slower with 2 + 2 than
// with 1 + 1). set_compute_threads(n) sets both to n (openblas_set_num_threads is looked up at
// run time, so a non-OpenBLAS BLAS is not an error). A training step is a few large matrix
// products and many small element-wise ops, so TrainingThreads keeps LibTorch at one thread and
// the threads go to the products: through OpenBLAS (SASRec, GRU4Rec's autograd path) or split by
// the model itself (GRU4Rec's fused cross-entropy step, with OpenBLAS at 1); measured in
// docs/BENCHMARKS.md. Validation then scores with the evaluator's threads, each single-threaded.
#pragma once

#include <cstdint>
#include <string>

namespace kairos {

void set_compute_threads(int threads);

// For the duration of a training epoch: OpenBLAS `blas_threads`, LibTorch intra-op 1; restores
// one thread for both on exit.
class TrainingThreads {
 public:
  explicit TrainingThreads(int blas_threads);
  ~TrainingThreads();
  TrainingThreads(const TrainingThreads&) = delete;
  TrainingThreads& operator=(const TrainingThreads&) = delete;
};
// How a model's training steps allocate: the same tensor shapes every step (session-parallel
// GRUs), or shapes that vary from batch to batch (padded sequences, graphs, item sets).
enum class StepShapes { kFixed, kVarying };
// Keeps large freed blocks in the heap instead of returning them to the kernel (see .cc): the next
// step reuses them. On jemalloc, for varying shapes, the trainer also purges the unused ones every
// 100 steps (core/mallctl.h), or what no step reuses would pile up without bound. Training only:
// a server wants its freed pages returned.
void configure_allocator(StepShapes shapes);
// "torch 1.13.x, OpenBLAS; training threads N (LibTorch intra-op 1)" for logs.
std::string compute_description(int training_threads);
// Seeds LibTorch's generator (dropout, initialisation).
void seed_torch(uint64_t seed);

}  // namespace kairos
