// The approximate index: a Faiss HNSW graph built with the inner-product metric (scores are the
// models' own inner products). Measured on clustered vectors of unequal norm, the direct inner-
// product graph beat the MIPS-to-L2 reduction (one extra coordinate sqrt(M^2 - |v|^2)): recall@20
// 0.998 vs 0.88 at efSearch 64.
//
// Faiss builds the graph; the query walks it here (`walk`), the standard HNSW search (greedy
// descent through the upper layers, then a beam of ef on layer 0) written for one query at a time:
// a visited table per thread stamped by generation instead of a catalogue-sized table allocated
// and cleared per query, binary heaps instead of Faiss's linear-scan MinimaxHeap, and the
// neighbours' vectors prefetched before their inner products. The walk reads a half-precision
// copy of the rows (it is bound by memory traffic) and the beam it ends with is rescored in
// float, so returned scores are the exact inner products. On the Diginetica GRU4Rec this
// halves a served recommend's retrieval time at the same recall (docs/BENCHMARKS.md).
// Filters run inside the walk: excluded and filtered-out items are walked through but never take
// a result slot. A filter that leaves few items (< 5% of the catalogue) would starve the walk, so
// those queries, and any search that comes back short, go to the exact index instead.
#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <vector>

#include "core/error.h"
#include "index/half.h"
#include "index/inner_product.h"
#include "index/item_index.h"

namespace kairos {
namespace {

// Faiss's flat inner-product storage with our vectorised inner product (Debian's Faiss computes it
// with a scalar loop): the graph build measures distances through this.
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

// Which nodes this thread's current walk has visited: a node is visited when its mark equals the
// walk's generation, so starting a walk costs one increment (a full clear only when the counter
// wraps). Shared by every index the thread walks; a larger catalogue grows it.
class VisitedMarks {
 public:
  void start(size_t n) {
    if (marks_.size() < n) marks_.resize(n, 0);
    if (++generation_ == 0) {
      std::fill(marks_.begin(), marks_.end(), 0);
      generation_ = 1;
    }
  }
  // True the first time a node is seen in this walk.
  bool visit(uint32_t node) {
    if (marks_[node] == generation_) return false;
    marks_[node] = generation_;
    return true;
  }

 private:
  std::vector<uint32_t> marks_;
  uint32_t generation_ = 0;
};

struct Scored {
  float score;  // inner product: higher is better
  uint32_t node;
};
struct WorseFirst {  // a min-heap on score: the worst kept result on top
  bool operator()(const Scored& a, const Scored& b) const { return a.score > b.score; }
};
struct BestFirst {  // a max-heap on score: the most promising candidate on top
  bool operator()(const Scored& a, const Scored& b) const { return a.score < b.score; }
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
    index_.add(static_cast<faiss::Index::idx_t>(n_), vectors.data());  // built with OpenMP
    exact_ = make_exact_index(std::move(vectors), dim);
    base_ = static_cast<const FlatIpStorage*>(index_.storage)->get_xb();
    // Half precision holds magnitudes up to 65504; rows beyond it (no trained model here comes
    // near) keep the walk in float.
    const size_t values = static_cast<size_t>(n_) * dim_;
    if (std::all_of(base_, base_ + values, [](float x) { return std::abs(x) < 60000.0f; })) {
      half_.resize(values);
      for (size_t i = 0; i < values; ++i) half_[i] = float_to_half(base_[i]);
    }
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
    std::vector<uint32_t> excluded(filter.exclude.begin(), filter.exclude.end());
    std::sort(excluded.begin(), excluded.end());
    const auto member = [&](uint32_t i) {
      if (i == 0) return false;
      if (!filter.allowed.empty() && (i >= filter.allowed.size() || filter.allowed[i] == 0))
        return false;
      return !std::binary_search(excluded.begin(), excluded.end(), i);
    };
    // A filter that passes a fraction f of the items leaves f of the beam useful: widen it by 1/f.
    const double widen = static_cast<double>(n_ - 1) / static_cast<double>(eligible);
    const auto ef = static_cast<size_t>(
        std::min<double>(kMaxBeam, std::max<double>(static_cast<double>(k), ef_search_ * widen)));
    std::vector<Scored> best = walk(query.data(), ef, member);
    for (Scored& b : best) b.score = inner_product(query.data(), row(b.node), dim_);
    std::sort(best.begin(), best.end(), [](const Scored& a, const Scored& b) {
      return a.score > b.score || (a.score == b.score && a.node < b.node);
    });
    if (best.size() < k) return exact_->search(query, k, filter);
    std::vector<ScoredItem> out;
    out.reserve(k);
    for (size_t i = 0; i < k; ++i) out.push_back({best[i].node, best[i].score});
    return out;
  }

 private:
  static constexpr int kMaxBeam = 4096;

  const float* row(uint32_t node) const { return base_ + static_cast<size_t>(node) * dim_; }
  const uint16_t* half_row(uint32_t node) const {
    return half_.data() + static_cast<size_t>(node) * dim_;
  }
  // The walk's score: the inner product with the half-precision copy of the row (float rows
  // when the values do not fit half precision).
  float score(const float* q, uint32_t node) const {
    if (half_.empty()) return inner_product(q, row(node), dim_);
    return inner_product_half(q, half_row(node), dim_);
  }
  void prefetch(uint32_t node) const {
    const char* p = half_.empty() ? reinterpret_cast<const char*>(row(node))
                                  : reinterpret_cast<const char*>(half_row(node));
    const size_t bytes = dim_ * (half_.empty() ? sizeof(float) : sizeof(uint16_t));
    for (size_t b = 0; b < bytes; b += 64) __builtin_prefetch(p + b);
  }

  // The HNSW search: greedy through the upper layers, then a beam of `ef` on layer 0. Returns up to
  // `ef` members (unordered); non-members are walked through but never kept.
  template <typename Member>
  std::vector<Scored> walk(const float* q, size_t ef, const Member& member) const {
    const faiss::HNSW& g = index_.hnsw;
    thread_local VisitedMarks marks;
    marks.start(n_);
    auto ep = static_cast<uint32_t>(g.entry_point);
    float ep_score = score(q, ep);
    for (int level = g.max_level; level > 0; --level) {
      for (bool moved = true; moved;) {
        moved = false;
        size_t begin = 0, end = 0;
        g.neighbor_range(ep, level, &begin, &end);
        for (size_t j = begin; j < end && g.neighbors[j] >= 0; ++j) {
          const auto v = static_cast<uint32_t>(g.neighbors[j]);
          const float s = score(q, v);
          if (s > ep_score) ep = v, ep_score = s, moved = true;
        }
      }
    }
    std::vector<Scored> candidates;  // BestFirst heap
    std::vector<Scored> results;     // WorseFirst heap, at most ef members
    candidates.reserve(4 * ef);
    results.reserve(ef + 1);
    const auto keep = [&](Scored c) {
      if (!member(c.node)) return;
      results.push_back(c);
      std::push_heap(results.begin(), results.end(), WorseFirst{});
      if (results.size() > ef) {
        std::pop_heap(results.begin(), results.end(), WorseFirst{});
        results.pop_back();
      }
    };
    marks.visit(ep);
    candidates.push_back({ep_score, ep});
    keep({ep_score, ep});
    uint32_t fresh[256];
    while (!candidates.empty()) {
      std::pop_heap(candidates.begin(), candidates.end(), BestFirst{});
      const Scored c = candidates.back();
      candidates.pop_back();
      if (results.size() >= ef && c.score < results.front().score) break;
      size_t begin = 0, end = 0;
      g.neighbor_range(c.node, 0, &begin, &end);
      size_t n_fresh = 0;
      for (size_t j = begin; j < end && g.neighbors[j] >= 0 && n_fresh < std::size(fresh); ++j) {
        const auto v = static_cast<uint32_t>(g.neighbors[j]);
        if (marks.visit(v)) {
          prefetch(v);
          fresh[n_fresh++] = v;
        }
      }
      for (size_t j = 0; j < n_fresh; ++j) {
        const Scored s{score(q, fresh[j]), fresh[j]};
        if (results.size() < ef || s.score > results.front().score) {
          candidates.push_back(s);
          std::push_heap(candidates.begin(), candidates.end(), BestFirst{});
          keep(s);
        }
      }
    }
    return results;
  }

  uint32_t dim_;
  int ef_search_;
  faiss::IndexHNSW index_;
  const float* base_ = nullptr;  // the rows, in Faiss's storage
  std::vector<uint16_t> half_;   // the rows in half precision, for the walk (empty: float)
  std::unique_ptr<ItemIndex> exact_;
  uint32_t n_ = 0;
};

}  // namespace

std::unique_ptr<ItemIndex> make_hnsw_index(std::vector<float> vectors, uint32_t dim,
                                           HnswOptions o) {
  return std::make_unique<HnswIndex>(std::move(vectors), dim, o);
}

}  // namespace kairos
