#include "tasks/new_item_audience.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "core/error.h"

namespace kairos {

std::vector<std::string> item_tokens(std::string_view text) {
  std::vector<std::string> out;
  std::string word;
  auto flush = [&] {
    if (word.size() >= 2 && std::find(out.begin(), out.end(), word) == out.end())
      out.push_back(word);
    word.clear();
  };
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c)) {
      word.push_back(static_cast<char>(std::toupper(c)));
    } else {
      flush();
    }
  }
  flush();
  return out;
}

AudienceData new_item_audiences(const Transactions& t, const AudienceOptions& o) {
  KAIROS_CHECK(t.items.size() > 0, "the audience task needs item ids in the transactions");
  AudienceData d;
  d.cutoff_day = o.cutoff_day;
  const size_t n_items = t.items.size(), n_customers = t.customers.size();
  std::vector<int32_t> first_sale(n_items, std::numeric_limits<int32_t>::max());
  std::vector<bool> known(n_customers, false);
  for (size_t i = 0; i < t.size(); ++i) {
    if (t.item[i] != UINT32_MAX) first_sale[t.item[i]] = std::min(first_sale[t.item[i]], t.day[i]);
    if (t.day[i] < o.cutoff_day) known[t.customer[i]] = true;
  }
  // The history: every line before the cut-off, with the input's ids and item attributes.
  d.history.customers = t.customers;
  d.history.items = t.items;
  d.history.item_text = t.item_text;
  d.history.item_price = t.item_price;
  std::vector<uint32_t> index_of(n_customers, UINT32_MAX);
  for (uint32_t c = 0; c < n_customers; ++c) {
    if (!known[c]) continue;
    index_of[c] = static_cast<uint32_t>(d.customers.size());
    d.customers.push_back(c);
  }
  std::vector<std::vector<uint32_t>> buyers(n_items);
  for (size_t i = 0; i < t.size(); ++i) {
    if (t.day[i] < o.cutoff_day) {
      d.history.customer.push_back(t.customer[i]);
      d.history.day.push_back(t.day[i]);
      d.history.quantity.push_back(t.quantity[i]);
      d.history.amount.push_back(t.amount[i]);
      d.history.item.push_back(t.item[i]);
    } else if (t.item[i] != UINT32_MAX && first_sale[t.item[i]] >= o.cutoff_day &&
               index_of[t.customer[i]] != UINT32_MAX) {
      buyers[t.item[i]].push_back(index_of[t.customer[i]]);
    }
  }
  for (uint32_t it = 0; it < n_items; ++it) {
    if (first_sale[it] < o.cutoff_day || first_sale[it] == std::numeric_limits<int32_t>::max())
      continue;
    ++d.new_items;
    auto& b = buyers[it];
    std::sort(b.begin(), b.end());
    b.erase(std::unique(b.begin(), b.end()), b.end());
    if (b.size() < o.min_buyers) {
      ++d.too_few_buyers;
      continue;
    }
    NewItemCase c;
    c.item = it;
    c.text = it < t.item_text.size() ? t.item_text[it] : "";
    c.price =
        it < t.item_price.size() ? t.item_price[it] : std::numeric_limits<double>::quiet_NaN();
    c.buyers = std::move(b);
    d.cases.push_back(std::move(c));
  }
  return d;
}

AudienceData campaign_audiences(const Transactions& t, const CampaignOptions& o) {
  KAIROS_CHECK_USAGE(o.horizon_days >= 1 && o.themes >= 1, "campaigns: horizon and themes >= 1");
  AudienceOptions base;
  base.cutoff_day = o.cutoff_day;
  base.min_buyers = UINT32_MAX;  // no new-item cases: the themes are the cases
  AudienceData d = new_item_audiences(t, base);
  d.cases.clear();
  d.new_items = d.too_few_buyers = 0;
  std::vector<uint32_t> index_of(t.customers.size(), UINT32_MAX);
  for (uint32_t i = 0; i < d.customers.size(); ++i) index_of[d.customers[i]] = i;
  // Themes per item (its category where the data has them, else its description words), and
  // each theme's items and buyers before the cut-off.
  std::vector<std::vector<std::string>> words(t.items.size());
  for (uint32_t it = 0; it < t.items.size(); ++it) {
    if (t.has_categories()) {
      const uint32_t c = t.category_of(it);
      if (c != Transactions::kNoCategory && t.categories.name(c) != "(no category)")
        words[it].push_back(t.categories.name(c));
      continue;
    }
    if (it >= t.item_text.size()) continue;
    for (auto& w : item_tokens(t.item_text[it])) {
      if (w.size() >= 3) words[it].push_back(std::move(w));
    }
  }
  std::map<std::string, std::set<uint32_t>> items_of, buyers_before;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t.day[i] >= o.cutoff_day || t.item[i] == UINT32_MAX) continue;
    for (const auto& w : words[t.item[i]]) {
      items_of[w].insert(t.item[i]);
      buyers_before[w].insert(t.customer[i]);
    }
  }
  std::vector<std::pair<size_t, std::string>> ranked;
  for (const auto& [w, items] : items_of) {
    if (items.size() >= o.min_theme_items) ranked.emplace_back(buyers_before[w].size(), w);
  }
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  if (ranked.size() > o.themes) ranked.resize(o.themes);
  std::map<std::string, std::set<uint32_t>> buyers_after;
  for (const auto& [n, w] : ranked) buyers_after[w];
  for (size_t i = 0; i < t.size(); ++i) {
    if (t.day[i] < o.cutoff_day || t.day[i] >= o.cutoff_day + o.horizon_days ||
        t.item[i] == UINT32_MAX || index_of[t.customer[i]] == UINT32_MAX)
      continue;
    for (const auto& w : words[t.item[i]]) {
      const auto it = buyers_after.find(w);
      if (it != buyers_after.end()) it->second.insert(index_of[t.customer[i]]);
    }
  }
  for (const auto& [n, w] : ranked) {
    ++d.new_items;  // here: themes
    const auto& b = buyers_after[w];
    if (b.size() < o.min_buyers) {
      ++d.too_few_buyers;
      continue;
    }
    NewItemCase c;
    c.text = w;
    c.price = std::numeric_limits<double>::quiet_NaN();
    c.buyers.assign(b.begin(), b.end());
    d.cases.push_back(std::move(c));
  }
  return d;
}

}  // namespace kairos
