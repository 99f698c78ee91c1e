// The matrix product that dominates a GRU4Rec cross-entropy training step on Diginetica:
// [128 lanes x 192] x [192 x 2,176 scored items] (batch + n_sample), through OpenBLAS with 1 and 2
// threads. Prints GFLOPS: what the CPU's BLAS reaches on the step's own shape, the ceiling for
// the training speed (docs/BENCHMARKS.md). Run: build/bench/sgemm_bench
#include <benchmark/benchmark.h>
#include <cblas.h>

#include <vector>

extern "C" void openblas_set_num_threads(int);

namespace {

void BM_GruStepScores(benchmark::State& state) {
  const int m = 128, n = 2176, k = 192;
  openblas_set_num_threads(static_cast<int>(state.range(0)));
  std::vector<float> a(static_cast<size_t>(m) * k), b(static_cast<size_t>(n) * k),
      c(static_cast<size_t>(m) * n);
  for (size_t i = 0; i < a.size(); ++i) a[i] = 1e-3f * static_cast<float>(i % 7);
  for (size_t i = 0; i < b.size(); ++i) b[i] = 1e-3f * static_cast<float>(i % 5);
  for (auto _ : state) {
    // scores = h O^T, as the step computes them (O holds one row per scored item)
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1.0f, a.data(), k, b.data(), k,
                0.0f, c.data(), n);
    benchmark::DoNotOptimize(c.data());
  }
  state.counters["GFLOPS"] =
      benchmark::Counter(2.0 * m * n * k * state.iterations() / 1e9, benchmark::Counter::kIsRate);
  openblas_set_num_threads(1);
}
BENCHMARK(BM_GruStepScores)->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
