// Models of the new-product audience task (tasks/new_item_audience.h): from the purchase history
// before the cut-off, a score per known customer for an item described only by its attributes.
// Names (make_audience_model):
//   active          the most active customers first (purchase days before the cut-off); the same
//                   list for every item — the campaign list a shop without a model sends
//   token-affinity  category affinity by counting: each customer's past items sharing the new
//                   item's description tokens, idf-weighted (tokens stand in for categories,
//                   which Online Retail lacks), plus a small activity term to order the rest
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "data/transactions.h"

namespace kairos {

class AudienceModel {
 public:
  virtual ~AudienceModel() = default;
  virtual std::string name() const = 0;
  // `history`: purchase lines before the cut-off; `customers`: the candidates (dense ids), in the
  // order score() fills.
  virtual void fit(const Transactions& history, std::span<const uint32_t> customers) = 0;
  virtual void score(std::string_view text, double price, std::span<float> out) const = 0;
};

std::unique_ptr<AudienceModel> make_audience_model(
    std::string_view name, const nlohmann::json& hparams = nlohmann::json::object());
const std::vector<std::string>& audience_model_names();

}  // namespace kairos
