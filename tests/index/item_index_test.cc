// Retrieval: the exact index equals a brute-force ranking; the HNSW index reaches recall@20 >= 0.98
// against it (unfiltered and with a category filter); filters and exclusions apply before top-K in
// both; restrictive filters fall back to exact results.
#include "index/item_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <unordered_set>

namespace kairos {
namespace {

constexpr uint32_t kClusters = 50;

std::vector<float> centers(uint32_t dim, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> g(0.0f, 1.0f);
  std::vector<float> c(kClusters * dim);
  for (auto& x : c) x = g(rng);
  return c;
}

// Clustered item vectors of varying norm (popular items score higher), like trained embeddings.
std::vector<float> clustered(uint32_t n, uint32_t dim, uint32_t seed) {
  std::mt19937 rng(seed + 1);
  std::normal_distribution<float> g(0.0f, 1.0f);
  const std::vector<float> centers = kairos::centers(dim, seed);
  std::vector<float> v(static_cast<size_t>(n) * dim, 0.0f);
  for (uint32_t i = 1; i < n; ++i) {
    const uint32_t c = rng() % kClusters;
    const float norm = 0.5f + static_cast<float>(rng() % 100) / 100.0f;
    for (uint32_t d = 0; d < dim; ++d)
      v[i * dim + d] = norm * (centers[c * dim + d] + 0.7f * g(rng));
  }
  return v;
}

std::vector<float> random_query(uint32_t dim, std::mt19937& rng) {
  std::normal_distribution<float> g(0.0f, 1.0f);
  std::vector<float> q(dim);
  for (auto& x : q) x = g(rng);
  return q;
}

// A session representation: it points at a cluster of items (a taste), with noise. (Directions
// drawn at random, unlike any trained query, reach recall@20 0.89 at efSearch 128 on this data.)
std::vector<float> session_query(const std::vector<float>& centers, uint32_t dim,
                                 std::mt19937& rng) {
  std::normal_distribution<float> g(0.0f, 1.0f);
  const uint32_t c = rng() % kClusters;
  std::vector<float> q(dim);
  for (uint32_t d = 0; d < dim; ++d) q[d] = centers[c * dim + d] + g(rng);
  return q;
}

double recall(const std::vector<ScoredItem>& approx, const std::vector<ScoredItem>& exact) {
  std::unordered_set<uint32_t> truth;
  for (const auto& s : exact) truth.insert(s.item);
  size_t hit = 0;
  for (const auto& s : approx) hit += truth.count(s.item);
  return exact.empty() ? 1.0 : static_cast<double>(hit) / static_cast<double>(exact.size());
}

TEST(ExactIndex, EqualsBruteForceAndAppliesFilters) {
  const uint32_t n = 3000, dim = 16;
  const auto v = clustered(n, dim, 1);
  auto index = make_exact_index(v, dim);
  EXPECT_EQ(index->kind(), "exact");
  std::mt19937 rng(2);
  const auto q = random_query(dim, rng);
  std::vector<float> scores(n);
  for (uint32_t i = 0; i < n; ++i) {
    double s = 0;
    for (uint32_t d = 0; d < dim; ++d) s += static_cast<double>(v[i * dim + d]) * q[d];
    scores[i] = static_cast<float>(s);
  }
  scores[0] = -std::numeric_limits<float>::infinity();
  const auto expect = top_k(scores, 20);
  const auto got = index->search(q, 20);
  ASSERT_EQ(got.size(), 20u);
  for (size_t i = 0; i < 20; ++i) {
    EXPECT_EQ(got[i].item, expect[i].item);
    EXPECT_NEAR(got[i].score, expect[i].score, 1e-3);
  }
  // Excluding the top 3 and allowing only even items.
  std::vector<uint8_t> even(n);
  for (uint32_t i = 0; i < n; ++i) even[i] = i % 2 == 0;
  const uint32_t excl[] = {got[0].item, got[1].item, got[2].item};
  for (const auto& s : index->search(q, 20, {even, excl})) {
    EXPECT_EQ(s.item % 2, 0u);
    EXPECT_NE(s.item, 0u);
    EXPECT_TRUE(std::find(std::begin(excl), std::end(excl), s.item) == std::end(excl));
  }
}

TEST(HnswIndex, RecallAt20AgainstExactIsAtLeast098) {
  const uint32_t n = 20000, dim = 64;
  const auto v = clustered(n, dim, 3);
  const auto c = centers(dim, 3);
  auto exact = make_exact_index(v, dim);
  auto ann = make_hnsw_index(v, dim);
  EXPECT_EQ(ann->kind(), "hnsw");
  std::vector<uint8_t> half(n);
  for (uint32_t i = 0; i < n; ++i) half[i] = i % 2 == 1;
  std::mt19937 rng(4);
  double sum = 0, sum_filtered = 0;
  const int queries = 200;
  for (int t = 0; t < queries; ++t) {
    const auto q = session_query(c, dim, rng);
    sum += recall(ann->search(q, 20), exact->search(q, 20));
    const uint32_t seen[] = {static_cast<uint32_t>(1 + rng() % (n - 1))};
    const auto filtered = ann->search(q, 20, {half, seen});
    ASSERT_EQ(filtered.size(), 20u);
    for (const auto& s : filtered) {
      ASSERT_EQ(s.item % 2, 1u);  // the filter holds inside the graph search
      ASSERT_NE(s.item, seen[0]);
    }
    sum_filtered += recall(filtered, exact->search(q, 20, {half, seen}));
  }
  EXPECT_GE(sum / queries, 0.98);
  EXPECT_GE(sum_filtered / queries, 0.98);
}

// Results come best first, with each item's own inner product as its score.
TEST(HnswIndex, ResultsAreBestFirstWithTheirInnerProducts) {
  const uint32_t n = 3000, dim = 24;
  const auto v = clustered(n, dim, 8);
  auto ann = make_hnsw_index(v, dim, {.m = 8, .ef_construction = 40, .ef_search = 32});
  std::mt19937 rng(9);
  const auto c = centers(dim, 8);
  for (int t = 0; t < 20; ++t) {
    const auto q = session_query(c, dim, rng);
    const auto got = ann->search(q, 10);
    ASSERT_EQ(got.size(), 10u);
    for (size_t i = 0; i < got.size(); ++i) {
      float ip = 0;
      for (uint32_t d = 0; d < dim; ++d) ip += q[d] * v[got[i].item * dim + d];
      EXPECT_NEAR(got[i].score, ip, 1e-4f * (1 + std::abs(ip)));
      if (i > 0) EXPECT_GE(got[i - 1].score, got[i].score);
    }
  }
}

// Rows beyond half precision's range (|x| > 65504) are walked in float: same answers as exact.
TEST(HnswIndex, RowsBeyondHalfPrecisionAreWalkedInFloat) {
  const uint32_t n = 2000, dim = 16;
  auto v = clustered(n, dim, 14);
  for (auto& x : v) x *= 1e5f;
  auto ann = make_hnsw_index(v, dim, {.m = 8, .ef_construction = 40, .ef_search = 64});
  auto exact = make_exact_index(v, dim);
  std::mt19937 rng(15);
  const auto c = centers(dim, 14);
  double sum = 0;
  for (int t = 0; t < 30; ++t) {
    const auto q = session_query(c, dim, rng);
    const auto got = ann->search(q, 10);
    for (const auto& s : got) ASSERT_TRUE(std::isfinite(s.score));
    sum += recall(got, exact->search(q, 10));
  }
  EXPECT_GE(sum / 30, 0.95);
}

// One thread searching indexes of different sizes in turn (the per-thread visited table is shared
// by them and grows for the larger one) gets each index's own answers.
TEST(HnswIndex, OneThreadWalksIndexesOfDifferentSizes) {
  const uint32_t dim = 16;
  const auto small_v = clustered(500, dim, 11), large_v = clustered(4000, dim, 12);
  auto small = make_hnsw_index(small_v, dim, {.m = 8, .ef_construction = 40, .ef_search = 64});
  auto large = make_hnsw_index(large_v, dim, {.m = 8, .ef_construction = 40, .ef_search = 64});
  auto small_exact = make_exact_index(small_v, dim);
  auto large_exact = make_exact_index(large_v, dim);
  std::mt19937 rng(13);
  double small_recall = 0, large_recall = 0;
  for (int t = 0; t < 30; ++t) {
    const auto q = random_query(dim, rng);
    small_recall += recall(small->search(q, 5), small_exact->search(q, 5));
    large_recall += recall(large->search(q, 5), large_exact->search(q, 5));
    for (const auto& s : small->search(q, 5)) ASSERT_LT(s.item, 500u);
  }
  EXPECT_GE(small_recall / 30, 0.95);
  EXPECT_GE(large_recall / 30, 0.9);
}

TEST(HnswIndex, RestrictiveFiltersGetExactResults) {
  const uint32_t n = 5000, dim = 8;
  const auto v = clustered(n, dim, 5);
  auto exact = make_exact_index(v, dim);
  auto ann = make_hnsw_index(v, dim, {.m = 8, .ef_construction = 40, .ef_search = 16});
  std::vector<uint8_t> few(n, 0);
  for (uint32_t i = 1; i < n; i += 100) few[i] = 1;  // 1% of the catalogue
  std::mt19937 rng(6);
  const auto q = random_query(dim, rng);
  const auto a = ann->search(q, 10, {few, {}});
  const auto e = exact->search(q, 10, {few, {}});
  ASSERT_EQ(a.size(), e.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].item, e[i].item);
}

}  // namespace
}  // namespace kairos
