// The new-product audience task (docs/TASKS.md "Audiences"): for an item never sold before a
// cut-off day C, rank the shop's known customers (those who bought anything before C) by how
// likely they are to buy it, from the item's attributes (description tokens, price) and the
// customers' purchases before C. The truth is who among them buys it on or after C.
//
// Leakage: models get `history` — the purchase lines before C only — and the new item's
// attributes, which a shop knows at launch; never a line on or after C.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "data/transactions.h"

namespace kairos {

struct AudienceOptions {
  int32_t cutoff_day = 0;
  uint32_t min_buyers = 5;  // new items with fewer known buyers are not evaluated (counted)
};

struct NewItemCase {
  uint32_t item = 0;             // dense item id in the full transactions
  std::string text;              // its attributes
  double price = 0;              // NaN when unknown
  std::vector<uint32_t> buyers;  // indices into AudienceData::customers
};

struct AudienceData {
  int32_t cutoff_day = 0;
  Transactions history;             // lines before the cut-off (same dense ids as the input)
  std::vector<uint32_t> customers;  // known customers (dense ids), the candidates to rank
  std::vector<NewItemCase> cases;
  uint64_t new_items = 0;       // first sold on or after the cut-off
  uint64_t too_few_buyers = 0;  // of those, left out for fewer than min_buyers known buyers
};

// Throws kInput when the transactions carry no item ids.
AudienceData new_item_audiences(const Transactions& t, const AudienceOptions& options);

// Campaign audiences ("who buys in category C in the next H days"): the same candidates and
// history, and one case per campaign theme — the item category where the transactions have
// categories (completejourney), else a description word standing in for one (words of three or
// more letters) — the `themes` themes on at least `min_theme_items` items sold before C, by their
// buyers before C, whose truth is the known customers who buy any item of that theme in
// [C, C + H). The case's `text` is the theme; `item` is unused.
struct CampaignOptions {
  int32_t cutoff_day = 0;
  int32_t horizon_days = 7;
  uint32_t themes = 30;
  uint32_t min_theme_items = 20;
  uint32_t min_buyers = 5;
};
AudienceData campaign_audiences(const Transactions& t, const CampaignOptions& options);

// Upper-case words of two or more letters or digits ("WHITE HANGING HEART T-LIGHT" -> WHITE,
// HANGING, HEART, LIGHT).
std::vector<std::string> item_tokens(std::string_view text);

}  // namespace kairos
