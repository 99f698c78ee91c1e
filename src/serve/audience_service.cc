#include "serve/audience_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <numeric>

#include "core/error.h"
#include "data/transactions.h"
#include "models/factory.h"

namespace kairos {

AudienceService::AudienceService(const AudienceServiceOptions& o) : model_name_(o.model) {
  ReadOptions ro;
  ro.format = o.format;
  const Transactions t = read_transactions(ro, {o.file});
  std::vector<uint32_t> candidates(t.customers.size());
  std::iota(candidates.begin(), candidates.end(), 0u);
  // Candidates in customer-id order, so that ties rank the same on every start.
  std::sort(candidates.begin(), candidates.end(),
            [&](uint32_t a, uint32_t b) { return t.customers.name(a) < t.customers.name(b); });
  for (uint32_t c : candidates) ids_.push_back(t.customers.name(c));
  model_ = make_any_audience_model(o.model);
  model_->fit(t, candidates);
  spdlog::info("audiences: {} customers from {} ({} purchase lines), model {}", ids_.size(), o.file,
               t.size(), o.model);
}

AudienceService::~AudienceService() = default;

std::vector<AudienceMember> AudienceService::rank(std::string_view text, double price,
                                                  size_t k) const {
  std::vector<float> scores(ids_.size());
  model_->score(text, price, scores);
  std::vector<uint32_t> order(ids_.size());
  std::iota(order.begin(), order.end(), 0u);
  k = std::min(k, order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(),
                    [&](uint32_t a, uint32_t b) {
                      return scores[a] != scores[b] ? scores[a] > scores[b] : a < b;
                    });
  std::vector<AudienceMember> out;
  for (size_t i = 0; i < k; ++i) out.push_back({ids_[order[i]], scores[order[i]]});
  return out;
}

}  // namespace kairos
