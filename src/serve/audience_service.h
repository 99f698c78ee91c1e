// The audience answer of `kairos serve` (POST /v1/audiences, docs/API.md): the shop's customers
// ranked for a product described by its attributes — a new one never sold, or a campaign theme
// ("LANTERN") — by an audience model (models/audience/) fitted at start on a transactions file.
// A plain function and struct, like serve/engine.h: the HTTP handler only decodes and encodes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "models/audience/audience_model.h"

namespace kairos {

struct AudienceServiceOptions {
  std::string file, format;              // transactions (data/transactions.h)
  std::string model = "token-affinity";  // make_any_audience_model name
};

struct AudienceMember {
  std::string customer_id;
  float score = 0;
};

class AudienceService {
 public:
  // Reads the transactions and fits the model on all of them; throws kairos::Error on bad input.
  explicit AudienceService(const AudienceServiceOptions& o);
  ~AudienceService();
  // The `k` best customers for an item with `text` and `price` (NaN: unknown), best first; ties
  // in customer-id order. Cost: one score per customer and a partial sort.
  std::vector<AudienceMember> rank(std::string_view text, double price, size_t k) const;
  size_t customers() const { return ids_.size(); }
  const std::string& model() const { return model_name_; }

 private:
  std::unique_ptr<AudienceModel> model_;
  std::string model_name_;
  std::vector<std::string> ids_;  // candidates, by customer id
};

}  // namespace kairos
