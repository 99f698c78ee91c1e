#include "index/top_k.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

namespace kairos {

std::vector<ScoredItem> top_k(std::span<const float> scores, size_t k,
                              std::span<const uint32_t> exclude) {
  std::unordered_set<uint32_t> excluded(exclude.begin(), exclude.end());
  auto better = [](const ScoredItem& a, const ScoredItem& b) {
    return a.score > b.score || (a.score == b.score && a.item < b.item);
  };
  // Keep a min-heap (by `better`) of the best k seen so far.
  std::vector<ScoredItem> heap;
  heap.reserve(k + 1);
  for (size_t i = 0; i < scores.size() && k > 0; ++i) {
    const float s = scores[i];
    if (std::isinf(s) && s < 0) continue;
    if (std::isnan(s)) continue;
    if (heap.size() == k && !better({static_cast<uint32_t>(i), s}, heap.front())) continue;
    if (!excluded.empty() && excluded.count(static_cast<uint32_t>(i))) continue;
    heap.push_back({static_cast<uint32_t>(i), s});
    std::push_heap(heap.begin(), heap.end(), better);
    if (heap.size() > k) {
      std::pop_heap(heap.begin(), heap.end(), better);
      heap.pop_back();
    }
  }
  std::sort_heap(heap.begin(), heap.end(), better);
  return heap;
}

}  // namespace kairos
