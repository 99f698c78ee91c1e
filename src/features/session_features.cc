#include "features/session_features.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/event_type.h"

namespace kairos {
namespace {

constexpr double kShrink = 20;  // pseudo-sessions of the prior in the items' rates

}  // namespace

ItemStats::ItemStats(const SessionSet& train, uint32_t num_items, int fold, int folds)
    : events_(num_items, 0), sessions_(num_items, 0), bought_(num_items, 0), carted_(num_items, 0) {
  std::vector<uint8_t> flags(num_items, 0);  // per session: 1 seen, 2 carted, 4 bought
  std::vector<uint32_t> touched;
  uint64_t sessions = 0, bought = 0, carted = 0;
  for (size_t s = 0; s < train.size(); ++s) {
    if (fold >= 0 && static_cast<int>(s % static_cast<size_t>(folds)) == fold) continue;
    const SessionView v = train[s];
    touched.clear();
    for (size_t i = 0; i < v.size(); ++i) {
      const uint32_t it = v.items[i];
      if (it >= num_items) continue;
      ++events_[it];
      if (flags[it] == 0) touched.push_back(it);
      flags[it] |= 1;
      if (v.types[i] == static_cast<uint8_t>(EventType::kCart)) flags[it] |= 2;
      if (v.types[i] == static_cast<uint8_t>(EventType::kBuy)) flags[it] |= 4;
    }
    for (uint32_t it : touched) {
      ++sessions_[it];
      ++sessions;
      if (flags[it] & 2) ++carted_[it], ++carted;
      if (flags[it] & 4) ++bought_[it], ++bought;
      flags[it] = 0;
    }
  }
  prior_buy_ = sessions ? static_cast<double>(bought) / static_cast<double>(sessions) : 0;
  prior_cart_ = sessions ? static_cast<double>(carted) / static_cast<double>(sessions) : 0;
}

double ItemStats::log_popularity(uint32_t item) const {
  return item < events_.size() ? std::log1p(static_cast<double>(events_[item])) : 0.0;
}

double ItemStats::buy_rate(uint32_t item) const {
  if (item >= sessions_.size()) return prior_buy_;
  return (bought_[item] + kShrink * prior_buy_) / (sessions_[item] + kShrink);
}

double ItemStats::cart_rate(uint32_t item) const {
  if (item >= sessions_.size()) return prior_cart_;
  return (carted_[item] + kShrink * prior_cart_) / (sessions_[item] + kShrink);
}

FoldedItemStats::FoldedItemStats(const SessionSet& train, uint32_t num_items)
    : all_(train, num_items) {
  for (int f = 0; f < kFolds; ++f) folds_.emplace_back(train, num_items, f, kFolds);
}

const std::vector<std::string>& session_feature_names() {
  static const std::vector<std::string> names = {
      "length",         "log_length",   "views",          "carts",          "favs",
      "buys",           "cart_share",   "distinct_items", "repeat_views",   "distinct_cats",
      "last_is_view",   "last_is_cart", "last_is_fav",    "last_is_buy",    "events_since_cart",
      "duration_s",     "mean_gap_s",   "last_gap_s",     "mean_log_pop",   "last_log_pop",
      "mean_buy_rate",  "max_buy_rate", "last_buy_rate",  "mean_cart_rate", "max_cart_rate",
      "carted_buy_rate"};
  return names;
}

void session_features(const SessionView& s, uint32_t prefix, const ItemStats& stats,
                      std::span<const uint32_t> item_category, std::span<float> out) {
  KAIROS_ASSERT(out.size() == session_feature_names().size());
  KAIROS_ASSERT(prefix >= 1 && prefix <= s.size());
  const std::span<const uint32_t> items = s.items.first(prefix);
  const std::span<const uint8_t> types = s.types.first(prefix);
  const std::span<const int64_t> ts = s.ts_ms.first(prefix);
  double counts[kNumEventTypes] = {};
  double pop = 0, buy = 0, max_buy = 0, cart = 0, max_cart = 0, carted_buy = 0, carted_n = 0;
  int64_t since_cart = -1;
  for (uint32_t i = 0; i < prefix; ++i) {
    const uint8_t t = types[i] < kNumEventTypes ? types[i] : 0;
    counts[t] += 1;
    if (t == static_cast<uint8_t>(EventType::kCart)) {
      since_cart = prefix - 1 - i;
      carted_buy += stats.buy_rate(items[i]);
      carted_n += 1;
    }
    pop += stats.log_popularity(items[i]);
    const double b = stats.buy_rate(items[i]), c = stats.cart_rate(items[i]);
    buy += b;
    cart += c;
    max_buy = std::max(max_buy, b);
    max_cart = std::max(max_cart, c);
  }
  std::vector<uint32_t> distinct(items.begin(), items.end());
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  std::vector<uint32_t> cats;
  for (uint32_t it : distinct) {
    if (it < item_category.size() && item_category[it] != 0) cats.push_back(item_category[it]);
  }
  std::sort(cats.begin(), cats.end());
  cats.erase(std::unique(cats.begin(), cats.end()), cats.end());
  const double n = prefix;
  const double duration = static_cast<double>(ts[prefix - 1] - ts[0]) / 1000.0;
  const double last_gap =
      prefix > 1 ? static_cast<double>(ts[prefix - 1] - ts[prefix - 2]) / 1000.0 : 0;
  const uint8_t last = types[prefix - 1] < kNumEventTypes ? types[prefix - 1] : 0;
  const float v[] = {static_cast<float>(n),
                     static_cast<float>(std::log(n)),
                     static_cast<float>(counts[0]),
                     static_cast<float>(counts[1]),
                     static_cast<float>(counts[2]),
                     static_cast<float>(counts[3]),
                     static_cast<float>(counts[1] / n),
                     static_cast<float>(distinct.size()),
                     static_cast<float>(n - static_cast<double>(distinct.size())),
                     static_cast<float>(cats.size()),
                     static_cast<float>(last == 0),
                     static_cast<float>(last == 1),
                     static_cast<float>(last == 2),
                     static_cast<float>(last == 3),
                     static_cast<float>(since_cart),
                     static_cast<float>(duration),
                     static_cast<float>(prefix > 1 ? duration / (n - 1) : 0),
                     static_cast<float>(last_gap),
                     static_cast<float>(pop / n),
                     static_cast<float>(stats.log_popularity(items[prefix - 1])),
                     static_cast<float>(buy / n),
                     static_cast<float>(max_buy),
                     static_cast<float>(stats.buy_rate(items[prefix - 1])),
                     static_cast<float>(cart / n),
                     static_cast<float>(max_cart),
                     static_cast<float>(carted_n > 0 ? carted_buy / carted_n : 0)};
  static_assert(sizeof(v) / sizeof(v[0]) == 26);
  std::copy(std::begin(v), std::end(v), out.begin());
}

}  // namespace kairos
