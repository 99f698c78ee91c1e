#include "features/item_neighbours.h"

#include <algorithm>

namespace kairos {

ItemNeighbours item_neighbours(const SessionSet& sessions, uint32_t num_items, uint32_t window,
                               uint32_t k) {
  // Every (item, neighbour) pair as one 64-bit key; sorted, a run of equal keys is a count.
  std::vector<uint64_t> pairs;
  for (size_t s = 0; s < sessions.size(); ++s) {
    const auto items = sessions[s].items;
    for (size_t i = 0; i < items.size(); ++i) {
      for (size_t d = 1; d <= window && i + d < items.size(); ++d) {
        const uint32_t a = items[i], b = items[i + d];
        if (a == b || a == 0 || b == 0 || a >= num_items || b >= num_items) continue;
        pairs.push_back(static_cast<uint64_t>(a) << 32 | b);
        pairs.push_back(static_cast<uint64_t>(b) << 32 | a);
      }
    }
  }
  std::sort(pairs.begin(), pairs.end());
  ItemNeighbours out;
  out.k = k;
  out.ids.assign(static_cast<size_t>(num_items) * k, 0);
  out.counts.assign(out.ids.size(), 0);
  std::vector<std::pair<uint32_t, uint32_t>> row;  // (count, neighbour) of one item
  for (size_t i = 0; i < pairs.size();) {
    const auto item = static_cast<uint32_t>(pairs[i] >> 32);
    row.clear();
    while (i < pairs.size() && pairs[i] >> 32 == item) {
      size_t j = i;
      while (j < pairs.size() && pairs[j] == pairs[i]) ++j;
      row.emplace_back(static_cast<uint32_t>(j - i), static_cast<uint32_t>(pairs[i]));
      i = j;
    }
    const size_t keep = std::min<size_t>(k, row.size());
    std::partial_sort(row.begin(), row.begin() + static_cast<std::ptrdiff_t>(keep), row.end(),
                      [](const auto& x, const auto& y) {
                        return x.first != y.first ? x.first > y.first : x.second < y.second;
                      });
    for (size_t n = 0; n < keep; ++n) {
      out.ids[static_cast<size_t>(item) * k + n] = row[n].second;
      out.counts[static_cast<size_t>(item) * k + n] = row[n].first;
    }
  }
  return out;
}

}  // namespace kairos
