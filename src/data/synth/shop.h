// The synthetic shop: shoppers with long-term category tastes and drifting short-term session
// intents browse a power-law catalogue through a view -> cart/fav -> buy funnel, with a day/night
// cycle and repeat views. Written in Taobao UserBehavior format (user,item,category,behavior,ts),
// user by user, each user's rows in time order — as the real file is. Deterministic by seed,
// streamed: memory is the catalogue plus one user's events. docs/SYNTH.md tells the story.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "data/synth/catalogue.h"

namespace kairos::synth {

struct ShopOptions {
  uint64_t events = 1000000;  // exact number of rows written
  uint64_t seed = 42;
  // 0 = derived from `events` (docs/SYNTH.md gives the rules).
  uint32_t users = 0, items = 0, categories = 0, top_categories = 0;
  double item_zipf = 1.0;
  // Unix seconds of local midnight of the first day (the day/night cycle follows local time):
  // 2017-11-25 00:00 in UTC+8, the Taobao window.
  int64_t start_s = 1511539200;
  int days = 9;
  double session_length = 9.0;       // mean events (views) per session
  double tastes_share = 0.85;        // session intents drawn from the user's tastes (else explore)
  double drift = 0.12;               // per view: the intent moves to another category
  double repeat = 0.18;              // per view: re-view an item seen earlier in the session
  double cart = 0.062, fav = 0.033;  // per view
  double buy_after_cart = 0.30;      // per cart: bought later in the session
  double direct_buy = 0.004;         // per view: bought without a cart event
  // Per carted item at check-out: the share of purchases abandoned when the session's intent has
  // drifted away from the item's category by then (0: the funnel ignores the order of events;
  // docs/SYNTH.md, "An order-dependent funnel").
  double abandon_on_drift = 0.0;
  // Per view of a browsing shopper: the probability of switching to a buying mode (0: no modes,
  // the funnel above). With modes, a hidden browse / buy state drives the session (docs/SYNTH.md,
  // "Shopping modes"): buying shoppers cart more, stay in their category, re-view what they
  // carted and soon check out; a purchase depends on the mode at the end of the session.
  double buying_mode = 0.0;
  double gap_median_s = 40.0;      // median seconds between views (log-normal)
  std::string category_tree_path;  // optional: write leaf,parent pairs here
};

struct ShopStats {
  uint64_t events = 0, users = 0, sessions = 0;
  std::array<uint64_t, 4> per_type{};  // view, cart, fav, buy
  uint32_t items = 0, categories = 0, top_categories = 0;
};

// Fills the derived sizes (users, items, categories) of `o`.
ShopOptions resolve_sizes(ShopOptions o);

// Writes the log to `path` ('-' = stdout; a .gz name is gzip-compressed). Atomic for files.
ShopStats write_shop(const ShopOptions& o, const std::string& path);

}  // namespace kairos::synth
