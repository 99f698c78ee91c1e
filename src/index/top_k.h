// Exact top-K over a dense score vector: the reference every approximate retriever is tested
// against. O(n + k log k) with a partial sort; ties broken by the lower index.
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace kairos {

struct ScoredItem {
  uint32_t item;
  float score;
};

// The k highest-scoring indices of `scores`, best first, skipping -inf entries and any index in
// `exclude` (sorted or not). Returns fewer than k if fewer are eligible.
std::vector<ScoredItem> top_k(std::span<const float> scores, size_t k,
                              std::span<const uint32_t> exclude = {});

}  // namespace kairos
