// Keeping at most n elements of a list, evenly spread over it (evaluation case caps).
#pragma once

#include <cstdint>
#include <vector>

namespace kairos {

// Keeps elements floor(k * size / max_kept) for k = 0 .. max_kept-1; max_kept = 0 keeps all.
template <typename T>
void keep_evenly_spread(std::vector<T>* v, uint64_t max_kept) {
  if (max_kept == 0 || v->size() <= max_kept) return;
  std::vector<T> kept;
  kept.reserve(max_kept);
  const double step = static_cast<double>(v->size()) / static_cast<double>(max_kept);
  for (uint64_t k = 0; k < max_kept; ++k) {
    kept.push_back((*v)[static_cast<size_t>(static_cast<double>(k) * step)]);
  }
  v->swap(kept);
}

}  // namespace kairos
