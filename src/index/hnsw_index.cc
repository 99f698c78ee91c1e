// The approximate index: Faiss IndexHNSWFlat with the inner-product metric (scores are the
// models' own inner products). Measured on clustered vectors of unequal norm, the direct inner-
// product graph beat the MIPS-to-L2 reduction (one extra coordinate sqrt(M^2 - |v|^2)): recall@20
// 0.998 vs 0.88 at efSearch 64. Filters run inside
// the graph search (a Faiss IDSelector), so excluded and filtered-out items never take a slot.
// A filter that leaves few items (< 5% of the catalogue) would starve the graph walk, so those
// queries, and any search that comes back short, go to the exact index instead.
#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/impl/IDSelector.h>

#include <omp.h>

#include <algorithm>

#include "core/error.h"
#include "index/inner_product.h"
#include "index/item_index.h"

namespace kairos {
namespace {

// Membership: not padding, allowed by the category filter, not excluded.
struct FilterSelector final : faiss::IDSelector {
  const RetrievalFilter* f = nullptr;
  std::vector<uint32_t> excluded;  // sorted
  bool is_member(faiss::Index::idx_t id) const override {
    if (id <= 0) return false;
    const auto i = static_cast<uint32_t>(id);
    if (!f->allowed.empty() && (i >= f->allowed.size() || f->allowed[i] == 0)) return false;
    return !std::binary_search(excluded.begin(), excluded.end(), i);
  }
};

// Sets the calling thread's OpenMP team size to 1 for a scope.
struct OneThreadTeam {
  OneThreadTeam() : saved(omp_get_max_threads()) { omp_set_num_threads(1); }
  ~OneThreadTeam() { omp_set_num_threads(saved); }
  OneThreadTeam(const OneThreadTeam&) = delete;
  OneThreadTeam& operator=(const OneThreadTeam&) = delete;
  int saved;
};

// Faiss's flat inner-product storage with our vectorised inner product (Debian's Faiss computes it
// with a scalar loop): the graph build and every search measure distances through this.
class FlatIpStorage final : public faiss::IndexFlatIP {
 public:
  explicit FlatIpStorage(int dim) : faiss::IndexFlatIP(dim) {}
  faiss::FlatCodesDistanceComputer* get_FlatCodesDistanceComputer() const override {
    return new Computer(get_xb(), static_cast<size_t>(d), codes.data(), code_size);
  }

 private:
  struct Computer final : faiss::FlatCodesDistanceComputer {
    Computer(const float* base, size_t dim, const uint8_t* codes, size_t code_size)
        : faiss::FlatCodesDistanceComputer(codes, code_size), base(base), dim(dim) {}
    void set_query(const float* x) override { query = x; }
    float distance_to_code(const uint8_t* code) override {
      return inner_product(query, reinterpret_cast<const float*>(code), dim);
    }
    float symmetric_dis(faiss::Index::idx_t i, faiss::Index::idx_t j) override {
      return inner_product(base + i * dim, base + j * dim, dim);
    }
    const float* base;
    size_t dim;
    const float* query = nullptr;
  };
};

class HnswIndex final : public ItemIndex {
 public:
  HnswIndex(std::vector<float> vectors, uint32_t dim, HnswOptions o)
      : dim_(dim), ef_search_(o.ef_search), index_(new FlatIpStorage(static_cast<int>(dim)), o.m) {
    KAIROS_CHECK_USAGE(dim > 0 && vectors.size() % dim == 0 && vectors.size() / dim >= 2,
                       "hnsw index: {} values are not rows of {}", vectors.size(), dim);
    n_ = static_cast<uint32_t>(vectors.size() / dim);
    index_.own_fields = true;  // deletes the storage
    index_.hnsw.efConstruction = o.ef_construction;
    // Faiss 1.7.3 reads the beam both from the index and from SearchParametersHNSW (measured:
    // recall follows the smaller of the two), so the index's is set high and each query's beam
    // goes in its parameters.
    index_.hnsw.efSearch = kMaxBeam;
    index_.add(static_cast<faiss::Index::idx_t>(n_), vectors.data());  // built with OpenMP
    exact_ = make_exact_index(std::move(vectors), dim);
  }
  std::string kind() const override { return "hnsw"; }
  uint32_t size() const override { return n_; }
  uint32_t dim() const override { return dim_; }

  std::vector<ScoredItem> search(std::span<const float> query, size_t k,
                                 const RetrievalFilter& filter) const override {
    KAIROS_CHECK_USAGE(query.size() == dim(), "hnsw index: query of {} values, expected {}",
                       query.size(), dim());
    size_t eligible = n_ - 1;
    if (!filter.allowed.empty()) {
      eligible = static_cast<size_t>(std::count(filter.allowed.begin(), filter.allowed.end(), 1));
    }
    if (eligible < n_ / 20 || k >= eligible) return exact_->search(query, k, filter);

    FilterSelector sel;
    sel.f = &filter;
    sel.excluded.assign(filter.exclude.begin(), filter.exclude.end());
    std::sort(sel.excluded.begin(), sel.excluded.end());
    faiss::SearchParametersHNSW params;
    params.sel = &sel;
    // A filter that passes a fraction f of the items leaves f of the beam useful: widen it by 1/f.
    const double widen = static_cast<double>(n_ - 1) / static_cast<double>(eligible);
    params.efSearch = static_cast<int>(
        std::min<double>(kMaxBeam, std::max<double>(static_cast<double>(k), ef_search_ * widen)));
    std::vector<float> distances(k);
    std::vector<faiss::Index::idx_t> labels(k);
    // One query: Faiss opens an OpenMP team regardless, and every member allocates and clears a
    // visited table of the whole catalogue and then waits at the barrier (measured: a served
    // recommend's CPU time doubled). The caller's team size is set to 1 for the search only.
    const OneThreadTeam one;
    index_.search(1, query.data(), static_cast<faiss::Index::idx_t>(k), distances.data(),
                  labels.data(), &params);
    std::vector<ScoredItem> out;
    for (size_t i = 0; i < k; ++i) {
      if (labels[i] > 0) out.push_back({static_cast<uint32_t>(labels[i]), distances[i]});
    }
    if (out.size() < k) return exact_->search(query, k, filter);
    return out;
  }

 private:
  static constexpr int kMaxBeam = 4096;
  uint32_t dim_;
  int ef_search_;
  faiss::IndexHNSW index_;
  std::unique_ptr<ItemIndex> exact_;
  uint32_t n_ = 0;
};

}  // namespace

std::unique_ptr<ItemIndex> make_hnsw_index(std::vector<float> vectors, uint32_t dim,
                                           HnswOptions o) {
  return std::make_unique<HnswIndex>(std::move(vectors), dim, o);
}

}  // namespace kairos
