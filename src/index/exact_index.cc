// The exact index: scores = V q with one cblas_sgemv (OpenBLAS), then the filtered partial sort of
// top_k.h.
#include <cblas.h>

#include <limits>

#include "core/error.h"
#include "index/item_index.h"

namespace kairos {
namespace {

class ExactIndex final : public ItemIndex {
 public:
  ExactIndex(std::vector<float> vectors, uint32_t dim) : v_(std::move(vectors)), dim_(dim) {
    KAIROS_CHECK_USAGE(dim_ > 0 && v_.size() % dim_ == 0 && v_.size() / dim_ >= 2,
                       "exact index: {} values are not rows of {}", v_.size(), dim_);
    n_ = static_cast<uint32_t>(v_.size() / dim_);
  }
  std::string kind() const override { return "exact"; }
  uint32_t size() const override { return n_; }
  uint32_t dim() const override { return dim_; }

  std::vector<ScoredItem> search(std::span<const float> query, size_t k,
                                 const RetrievalFilter& filter) const override {
    KAIROS_CHECK_USAGE(query.size() == dim_, "exact index: query of {} values, expected {}",
                       query.size(), dim_);
    thread_local std::vector<float> scores;
    scores.resize(n_);
    cblas_sgemv(CblasRowMajor, CblasNoTrans, static_cast<int>(n_), static_cast<int>(dim_), 1.0f,
                v_.data(), static_cast<int>(dim_), query.data(), 1, 0.0f, scores.data(), 1);
    const float ninf = -std::numeric_limits<float>::infinity();
    scores[0] = ninf;
    if (!filter.allowed.empty()) {
      for (uint32_t i = 1; i < n_; ++i) {
        if (i >= filter.allowed.size() || filter.allowed[i] == 0) scores[i] = ninf;
      }
    }
    return top_k(scores, k, filter.exclude);
  }

 private:
  std::vector<float> v_;
  uint32_t dim_, n_ = 0;
};

}  // namespace

std::unique_ptr<ItemIndex> make_exact_index(std::vector<float> vectors, uint32_t dim) {
  return std::make_unique<ExactIndex>(std::move(vectors), dim);
}

}  // namespace kairos
