#include "serve/customer_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <set>

#include "core/error.h"
#include "data/transactions.h"
#include "models/customers/bgnbd.h"
#include "models/factory.h"
#include "tasks/customer_window.h"
#include "tasks/new_item_audience.h"

namespace kairos {
namespace {

// The most frequent words of each customer's distinct products (up to 5, ties alphabetical).
std::vector<std::vector<std::string>> top_words(const Transactions& t) {
  std::set<std::pair<uint32_t, uint32_t>> bought;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t.item[i] != UINT32_MAX) bought.emplace(t.customer[i], t.item[i]);
  }
  std::vector<std::map<std::string, int>> counts(t.customers.size());
  for (const auto& [c, item] : bought) {
    if (item < t.item_text.size())
      for (const auto& w : item_tokens(t.item_text[item])) ++counts[c][w];
  }
  std::vector<std::vector<std::string>> out(t.customers.size());
  for (size_t c = 0; c < counts.size(); ++c) {
    std::vector<std::pair<int, std::string>> v;
    for (const auto& [w, n] : counts[c]) v.emplace_back(-n, w);
    std::sort(v.begin(), v.end());
    for (size_t i = 0; i < std::min<size_t>(5, v.size()); ++i) out[c].push_back(v[i].second);
  }
  return out;
}

}  // namespace

CustomerService::CustomerService(const CustomerServiceOptions& o)
    : model_name_(o.model), horizon_days_(o.horizon_days) {
  KAIROS_CHECK_USAGE(o.horizon_days >= 1, "the return horizon must be at least one day");
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
  // Return propensity: BG/NBD on everything, the day after the file's last purchase as cut-off.
  const PurchaseHistories h = purchase_histories(t);
  const CustomerWindow w = customer_window(h, h.last_day() + 1, o.horizon_days);
  const CustomerFeatures& f = w.features;
  const BgNbdFit fit = fit_bgnbd(f.repeat, f.recency_weeks, f.age_weeks);
  const auto words = top_words(t);
  const double weeks = o.horizon_days / 7.0;
  for (size_t i = 0; i < f.rows(); ++i) {
    CustomerProfile p;
    const double x = f.repeat[i], tx = f.recency_weeks[i], T = f.age_weeks[i];
    p.p_alive = bgnbd_p_alive(fit.params, x, tx, T);
    p.p_return = bgnbd_p_return(fit.params, x, tx, T, weeks);
    p.expected = bgnbd_conditional_expected(fit.params, x, tx, T, weeks);
    p.purchase_days = static_cast<uint32_t>(x + 1);
    p.last_purchase_day = f.history_day[f.history_offsets[i + 1] - 1];
    p.top_words = words[f.customer[i]];
    profiles_.emplace(t.customers.name(f.customer[i]), std::move(p));
  }
  spdlog::info(
      "customers: {} from {} ({} purchase lines); audiences by {}, return propensity "
      "by BG/NBD (r {:.3f}, alpha {:.3f}, a {:.3f}, b {:.3f})",
      ids_.size(), o.file, t.size(), o.model, fit.params.r, fit.params.alpha, fit.params.a,
      fit.params.b);
}

CustomerService::~CustomerService() = default;

std::vector<AudienceMember> CustomerService::rank(std::string_view text, double price,
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

std::optional<CustomerProfile> CustomerService::profile(const std::string& customer_id) const {
  const auto it = profiles_.find(customer_id);
  if (it == profiles_.end()) return std::nullopt;
  return it->second;
}

}  // namespace kairos
