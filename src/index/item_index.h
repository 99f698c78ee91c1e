// Top-K retrieval over item vectors for models whose scores are inner products (SessionModel::
// item_vectors / query_vector): an exact index (one BLAS matrix-vector product and a partial
// sort) and an approximate one (Faiss HNSW, inner product) for large catalogues. Both apply the
// filter before top-K: a category filter and the excluded (seen) items never take a slot.
// Row 0 is the padding item and is never returned.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "index/top_k.h"

namespace kairos {

struct RetrievalFilter {
  // Item -> allowed (1) or not (0); empty = every item allowed.
  std::span<const uint8_t> allowed;
  // Items never returned (e.g. the session's own items); any order.
  std::span<const uint32_t> exclude;
};

class ItemIndex {
 public:
  virtual ~ItemIndex() = default;
  virtual std::string kind() const = 0;  // "exact" or "hnsw"
  // The k best items for `query` (size dim()), best first, with their inner-product scores.
  virtual std::vector<ScoredItem> search(std::span<const float> query, size_t k,
                                         const RetrievalFilter& filter = {}) const = 0;
  virtual uint32_t size() const = 0;
  virtual uint32_t dim() const = 0;
};

// `vectors`: row-major [n x dim] (row 0 = padding).
std::unique_ptr<ItemIndex> make_exact_index(std::vector<float> vectors, uint32_t dim);

struct HnswOptions {
  int m = 32;                 // graph degree
  int ef_construction = 200;  // build-time beam
  int ef_search = 128;        // query-time beam (k when larger)
};
std::unique_ptr<ItemIndex> make_hnsw_index(std::vector<float> vectors, uint32_t dim,
                                           HnswOptions o = {});

}  // namespace kairos
