// What `kairos serve` knows about customers from a transactions file given at start
// (`--customers FILE --customers-format F`): the audience answer (POST /v1/audiences: customers
// ranked for a product's attributes, by an audience model of models/audience/) and each known
// customer's profile in POST /v1/predict (return propensity from BG/NBD fitted on the file, and
// the words of the products they buy most — the campaign themes they answer to). Plain functions
// and structs, like serve/engine.h: the HTTP handlers only decode and encode.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "models/audience/audience_model.h"

namespace kairos {

struct CustomerServiceOptions {
  std::string file, format;              // transactions (data/transactions.h)
  std::string model = "token-affinity";  // make_any_audience_model name
  int horizon_days = 30;                 // of the return propensity
};

struct AudienceMember {
  std::string customer_id;
  float score = 0;
};

struct CustomerProfile {
  double p_alive = 0;   // BG/NBD: still a customer at the end of the file
  double p_return = 0;  // a purchase within horizon_days after it
  double expected = 0;  // purchase days within horizon_days
  uint32_t purchase_days = 0;
  int32_t last_purchase_day = 0;
  std::vector<std::string> top_words;  // most frequent words of their products (up to 5)
};

class CustomerService {
 public:
  // Reads the transactions, fits the audience model and BG/NBD on all of them; throws
  // kairos::Error on bad input.
  explicit CustomerService(const CustomerServiceOptions& o);
  ~CustomerService();
  // The `k` best customers for an item with `text` and `price` (NaN: unknown), best first; ties
  // in customer-id order. Cost: one score per customer and a partial sort.
  std::vector<AudienceMember> rank(std::string_view text, double price, size_t k) const;
  // The profile of a customer of the file, or nothing. Cost: a hash lookup.
  std::optional<CustomerProfile> profile(const std::string& customer_id) const;
  size_t customers() const { return ids_.size(); }
  const std::string& model() const { return model_name_; }
  int horizon_days() const { return horizon_days_; }

 private:
  std::unique_ptr<AudienceModel> model_;
  std::string model_name_;
  int horizon_days_;
  std::vector<std::string> ids_;  // candidates, by customer id
  std::unordered_map<std::string, CustomerProfile> profiles_;
};

}  // namespace kairos
