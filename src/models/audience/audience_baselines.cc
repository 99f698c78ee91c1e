// The audience task's baselines: most active customers, and idf-weighted description-token
// affinity (models/audience/audience_model.h).
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

#include "core/error.h"
#include "models/audience/audience_model.h"
#include "tasks/new_item_audience.h"

namespace kairos {
namespace {

// Purchase days per candidate.
std::vector<double> activity(const Transactions& h, std::span<const uint32_t> customers) {
  std::unordered_map<uint32_t, uint32_t> index;
  for (uint32_t i = 0; i < customers.size(); ++i) index[customers[i]] = i;
  std::set<std::pair<uint32_t, int32_t>> days;
  for (size_t i = 0; i < h.size(); ++i) {
    if (index.count(h.customer[i])) days.emplace(index[h.customer[i]], h.day[i]);
  }
  std::vector<double> out(customers.size(), 0.0);
  for (const auto& [c, d] : days) out[c] += 1;
  return out;
}

class Active final : public AudienceModel {
 public:
  std::string name() const override { return "active"; }
  void fit(const Transactions& h, std::span<const uint32_t> customers) override {
    activity_ = activity(h, customers);
  }
  void score(std::string_view, double, std::span<float> out) const override {
    KAIROS_CHECK_USAGE(out.size() == activity_.size(), "active: {} scores for {} customers",
                       out.size(), activity_.size());
    for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<float>(activity_[i]);
  }

 private:
  std::vector<double> activity_;
};

class TokenAffinity final : public AudienceModel {
 public:
  std::string name() const override { return "token-affinity"; }
  void fit(const Transactions& h, std::span<const uint32_t> customers) override {
    std::unordered_map<uint32_t, uint32_t> index;
    for (uint32_t i = 0; i < customers.size(); ++i) index[customers[i]] = i;
    // Tokens per item seen in the history, and their document frequency over those items.
    std::vector<std::vector<uint32_t>> tokens_of(h.items.size());
    std::vector<bool> seen(h.items.size(), false);
    for (size_t i = 0; i < h.size(); ++i) {
      if (h.item[i] != UINT32_MAX) seen[h.item[i]] = true;
    }
    double n_items = 0;
    for (uint32_t it = 0; it < h.items.size(); ++it) {
      if (!seen[it] || it >= h.item_text.size()) continue;
      n_items += 1;
      for (const auto& tok : item_tokens(h.item_text[it])) {
        const auto [pos, added] = token_ids_.emplace(tok, static_cast<uint32_t>(df_.size()));
        if (added) df_.push_back(0);
        ++df_[pos->second];
        tokens_of[it].push_back(pos->second);
      }
    }
    n_items_ = std::max(1.0, n_items);
    // Per customer: distinct items bought per token.
    std::set<std::pair<uint32_t, uint32_t>> bought;  // (customer index, item)
    for (size_t i = 0; i < h.size(); ++i) {
      const auto it = index.find(h.customer[i]);
      if (it != index.end() && h.item[i] != UINT32_MAX) bought.emplace(it->second, h.item[i]);
    }
    profile_.assign(customers.size(), {});
    for (const auto& [c, item] : bought) {
      for (uint32_t tok : tokens_of[item]) profile_[c][tok] += 1;
    }
    activity_ = activity(h, customers);
  }

  void score(std::string_view text, double, std::span<float> out) const override {
    KAIROS_CHECK_USAGE(out.size() == profile_.size(), "token-affinity: {} scores for {} customers",
                       out.size(), profile_.size());
    std::vector<std::pair<uint32_t, double>> query;  // (token, idf) of known tokens
    for (const auto& tok : item_tokens(text)) {
      const auto it = token_ids_.find(tok);
      if (it != token_ids_.end())
        query.emplace_back(it->second, std::log(n_items_ / df_[it->second]));
    }
    for (size_t c = 0; c < out.size(); ++c) {
      double s = 0;
      for (const auto& [tok, idf] : query) {
        const auto p = profile_[c].find(tok);
        if (p != profile_[c].end()) s += idf * std::log1p(p->second);
      }
      out[c] = static_cast<float>(s + 1e-3 * std::log1p(activity_[c]));
    }
  }

 private:
  std::map<std::string, uint32_t> token_ids_;
  std::vector<double> df_;
  double n_items_ = 1;
  std::vector<std::unordered_map<uint32_t, double>> profile_;
  std::vector<double> activity_;
};

}  // namespace

const std::vector<std::string>& audience_model_names() {
  static const std::vector<std::string> names = {"active", "token-affinity"};
  return names;
}

std::unique_ptr<AudienceModel> make_audience_model(std::string_view name,
                                                   const nlohmann::json& hparams) {
  KAIROS_CHECK_USAGE(hparams.is_null() || hparams.empty(), "{}: takes no hyperparameters", name);
  if (name == "active") return std::make_unique<Active>();
  if (name == "token-affinity") return std::make_unique<TokenAffinity>();
  KAIROS_THROW(ErrorKind::kUsage, "unknown audience model '{}' (models: active, token-affinity)",
               name);
}

}  // namespace kairos
