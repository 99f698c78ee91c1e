// Retrieval at catalogue scale (docs/SCALING.md): builds the serving HNSW index (index/
// item_index.h, Faiss) over N synthetic item vectors — clustered like learned embeddings — and
// prints the build time, the memory the index added (RSS), top-20 latency p50/p99 and recall@20
// against the exact index.
// Usage: catalogue_scale_bench [N=1000000] [DIM=65] [M=32] [EF_CONSTRUCTION=200] [QUERIES=1000]
//                              [EF_SEARCH=128]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "index/item_index.h"

namespace {

double rss_mb() {
  std::ifstream in("/proc/self/status");
  std::string key;
  while (in >> key) {
    if (key == "VmRSS:") {
      double kb = 0;
      in >> kb;
      return kb / 1024.0;
    }
    in.ignore(1 << 20, '\n');
  }
  return 0;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

int main(int argc, char** argv) {
  const uint32_t n = argc > 1 ? std::atoi(argv[1]) : 1'000'000;
  const uint32_t dim = argc > 2 ? std::atoi(argv[2]) : 65;
  kairos::HnswOptions o;
  o.m = argc > 3 ? std::atoi(argv[3]) : 32;
  o.ef_construction = argc > 4 ? std::atoi(argv[4]) : 200;
  const int queries = argc > 5 ? std::atoi(argv[5]) : 1000;
  o.ef_search = argc > 6 ? std::atoi(argv[6]) : 128;

  std::mt19937 rng(7);
  std::normal_distribution<float> g(0.f, 1.f);
  constexpr int kClusters = 2000;
  std::vector<float> centres(static_cast<size_t>(kClusters) * dim);
  for (auto& c : centres) c = g(rng);
  std::uniform_int_distribution<int> pick(0, kClusters - 1);
  auto sample = [&](float* out) {
    const float* c = &centres[static_cast<size_t>(pick(rng)) * dim];
    for (uint32_t d = 0; d < dim; ++d) out[d] = c[d] + 0.5f * g(rng);
  };
  std::vector<float> vectors(static_cast<size_t>(n + 1) * dim, 0.f);
  for (uint32_t i = 1; i <= n; ++i) sample(&vectors[static_cast<size_t>(i) * dim]);
  std::vector<std::vector<float>> qs(queries, std::vector<float>(dim));
  for (auto& q : qs) sample(q.data());
  std::printf("items %u, dim %u, vectors %.0f MB; HNSW M %d, efConstruction %d\n", n, dim,
              static_cast<double>(vectors.size()) * sizeof(float) / (1 << 20), o.m,
              o.ef_construction);

  const auto exact = kairos::make_exact_index(vectors, dim);
  const double before = rss_mb();
  auto t = std::chrono::steady_clock::now();
  const auto hnsw = kairos::make_hnsw_index(std::move(vectors), dim, o);
  const double build_s = seconds_since(t), added = rss_mb() - before;
  std::printf("build %.1f s; RSS added by the index %.0f MB (%.0f bytes per item)\n", build_s,
              added, added * (1 << 20) / n);

  const int recall_queries = std::min(queries, 200);
  std::vector<std::vector<kairos::ScoredItem>> truth;
  t = std::chrono::steady_clock::now();
  for (int q = 0; q < recall_queries; ++q) truth.push_back(exact->search(qs[q], 20));
  std::printf("exact top-20: %.2f ms per query (one sgemv over %u items)\n",
              seconds_since(t) * 1000 / recall_queries, n);
  std::vector<double> lat;
  double recall = 0;
  for (int q = 0; q < queries; ++q) {
    const auto s = std::chrono::steady_clock::now();
    const auto got = hnsw->search(qs[q], 20);
    lat.push_back(seconds_since(s) * 1e6);
    if (q < recall_queries) {
      int hit = 0;
      for (const auto& a : got)
        for (const auto& b : truth[q]) hit += a.item == b.item;
      recall += hit / 20.0;
    }
  }
  std::sort(lat.begin(), lat.end());
  std::printf("HNSW top-20 (efSearch %d): p50 %.0f us, p99 %.0f us; recall@20 %.3f\n", o.ef_search,
              lat[lat.size() / 2], lat[lat.size() * 99 / 100], recall / recall_queries);
  return 0;
}
