#include "index/top_k.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

namespace kairos {

std::vector<ScoredItem> top_k(std::span<const float> scores, size_t k,
                              std::span<const uint32_t> exclude) {
  std::vector<ScoredItem> heap;
  if (k == 0) return heap;
  std::unordered_set<uint32_t> excluded(exclude.begin(), exclude.end());
  auto better = [](const ScoredItem& a, const ScoredItem& b) {
    return a.score > b.score || (a.score == b.score && a.item < b.item);
  };
  // A min-heap (by `better`) of the best k seen so far; once it is full, `bar` is its worst score.
  heap.reserve(k + 1);
  const float* s = scores.data();
  const size_t n = scores.size();
  float bar = -INFINITY;
  auto offer = [&](size_t i) {
    const float v = s[i];
    if (std::isnan(v) || (std::isinf(v) && v < 0)) return;
    if (heap.size() == k && !better({static_cast<uint32_t>(i), v}, heap.front())) return;
    if (!excluded.empty() && excluded.count(static_cast<uint32_t>(i))) return;
    heap.push_back({static_cast<uint32_t>(i), v});
    std::push_heap(heap.begin(), heap.end(), better);
    if (heap.size() > k) {
      std::pop_heap(heap.begin(), heap.end(), better);
      heap.pop_back();
    }
    if (heap.size() == k) bar = heap.front().score;
  };
  size_t i = 0;
  for (; i < n && heap.size() < k; ++i) offer(i);
  // Full heap: an item enters only with a score strictly above the bar (an equal score comes
  // from a higher index, which loses the tie). Blocks of 16 are tested at once (vectorised) and
  // skipped whole when none passes — almost all of them on a large catalogue. NaN never passes.
  constexpr size_t kBlock = 16;
  for (; i + kBlock <= n; i += kBlock) {
    bool any = false;
    for (size_t l = 0; l < kBlock; ++l) any |= s[i + l] > bar;
    if (!any) continue;
    for (size_t l = 0; l < kBlock; ++l) {
      if (s[i + l] > bar) offer(i + l);
    }
  }
  for (; i < n; ++i) {
    if (s[i] > bar) offer(i);
  }
  std::sort_heap(heap.begin(), heap.end(), better);
  return heap;
}

}  // namespace kairos
