// Process-wide LibTorch settings. Kept free of LibTorch headers so the CLI can call it.
//
// Threads: LibTorch's intra-op pool and the pthread OpenBLAS pool are separate; on two cores,
// running both with two threads oversubscribes them. set_compute_threads(n) sets both to n
// (openblas_set_num_threads is looked up at run time, so a non-OpenBLAS BLAS is not an error).
#pragma once

#include <cstdint>
#include <string>

namespace kairos {

void set_compute_threads(int threads);
// Keeps large freed blocks in the heap instead of returning them to the kernel (see .cc).
void configure_allocator();
// "torch 1.13.x, intra-op threads N, BLAS OpenBLAS (N threads)" for logs and benchmark tables.
std::string compute_description();
// Seeds LibTorch's generator (dropout, initialisation).
void seed_torch(uint64_t seed);

}  // namespace kairos
