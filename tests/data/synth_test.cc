// The synthetic shop: deterministic by seed, exact size, Taobao-readable, shaped like a shop.
#include <gtest/gtest.h>

#include <array>
#include <fstream>
#include <sstream>

#include "data/reader.h"
#include "data/synth/shop.h"
#include "data/test_util.h"

namespace kairos {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Writes a shop of `events` rows with the two order-dependent knobs to `path`, and reads it back.
EventLog shop_log(const std::string& path, uint64_t events, double abandon_on_drift,
                  double buying_mode) {
  synth::ShopOptions o;
  o.events = events;
  o.abandon_on_drift = abandon_on_drift;
  o.buying_mode = buying_mode;
  synth::write_shop(o, path);
  ReadOptions r;
  r.format = "taobao";
  EventLog log;
  read_events(r, {path}, &log);
  return log;
}

TEST(Synth, SameSeedSameBytesOtherSeedOtherBytes) {
  test::TempDir dir;
  synth::ShopOptions o;
  o.events = 20000;
  o.seed = 7;
  synth::write_shop(o, dir.file("a.csv"));
  synth::write_shop(o, dir.file("b.csv"));
  o.seed = 8;
  synth::write_shop(o, dir.file("c.csv"));
  EXPECT_EQ(slurp(dir.file("a.csv")), slurp(dir.file("b.csv")));
  EXPECT_NE(slurp(dir.file("a.csv")), slurp(dir.file("c.csv")));
}

TEST(Synth, WritesExactlyTheRequestedRowsReadableAsTaobao) {
  test::TempDir dir;
  synth::ShopOptions o;
  o.events = 30000;
  const synth::ShopStats st = synth::write_shop(o, dir.file("shop.csv.gz"));
  EXPECT_EQ(st.events, 30000u);
  ReadOptions r;
  r.format = "taobao";
  r.strict = true;
  EventLog log;
  read_events(r, {dir.file("shop.csv.gz")}, &log);
  ASSERT_EQ(log.size(), 30000u);
  // The funnel: views dominate, then carts, favourites, purchases (Taobao: 89.8/5.5/2.9/2.0 %).
  std::array<double, 4> share{};
  for (EventType t : log.type) share[static_cast<int>(t)] += 1.0 / log.size();
  EXPECT_GT(share[0], 0.85);
  EXPECT_GT(share[1], share[2]);
  EXPECT_GT(share[2], 0.01);
  EXPECT_GT(share[3], 0.01);
  // Rows are grouped by user and time-ordered within a user, inside the 9-day window.
  for (size_t i = 1; i < log.size(); ++i) {
    if (log.user[i] == log.user[i - 1]) {
      EXPECT_LE(log.ts_ms[i - 1], log.ts_ms[i]);
    }
  }
  EXPECT_GE(log.ts_ms.front(), o.start_s * 1000);
  // Power-law popularity: the top 1% of items draw far more than 1% of the views.
  std::vector<uint64_t> count(log.items.size());
  for (uint32_t it : log.item) ++count[it];
  std::sort(count.rbegin(), count.rend());
  uint64_t top = 0;
  for (size_t i = 0; i < std::max<size_t>(1, count.size() / 100); ++i) top += count[i];
  EXPECT_GT(static_cast<double>(top) / log.size(), 0.08);
}

TEST(Synth, EveryItemHasOneCategoryAndTheTreeIsWritten) {
  test::TempDir dir;
  synth::ShopOptions o;
  o.events = 5000;
  o.category_tree_path = dir.file("tree.csv");
  const synth::ShopStats st = synth::write_shop(o, dir.file("shop.csv"));
  ReadOptions r;
  r.format = "taobao";
  EventLog log;
  read_events(r, {dir.file("shop.csv")}, &log);
  EXPECT_EQ(log.category_conflicts, 0u);
  const std::string tree = slurp(dir.file("tree.csv"));
  EXPECT_EQ(std::count(tree.begin(), tree.end(), '\n'), st.categories + 1);
}

// `--abandon-on-drift`: check-out purchases survive only where the session's intent is still the
// carted item's category. With it at 1 a purchase's item is (almost) always of the category of the
// view just before it — the last view shows the final intent unless it re-viewed an older item —
// and fewer purchases happen; at 0 the file is the order-free shop's, byte for byte.
TEST(Synth, AbandonOnDriftKeepsPurchasesInTheCurrentCategory) {
  test::TempDir dir;
  auto run = [&](double abandon, const std::string& name) {
    const EventLog log = shop_log(dir.file(name), 60000, abandon, 0.0);
    uint64_t buys = 0, same = 0;
    uint32_t last_view_category = kNone;
    for (size_t i = 0; i < log.size(); ++i) {
      if (i > 0 && log.user[i] != log.user[i - 1]) last_view_category = kNone;
      const uint32_t category = log.item_category[log.item[i]];
      if (log.type[i] == EventType::kView) last_view_category = category;
      if (log.type[i] == EventType::kBuy) {
        ++buys;
        same += category == last_view_category ? 1 : 0;
      }
    }
    return std::pair<uint64_t, double>(buys,
                                       static_cast<double>(same) / std::max<uint64_t>(buys, 1));
  };
  const auto [free_buys, free_same] = run(0.0, "free.csv");
  const auto [kept_buys, kept_same] = run(1.0, "kept.csv");
  EXPECT_LT(kept_buys, free_buys);
  EXPECT_GT(kept_same, 0.9);
  EXPECT_GT(kept_same, free_same + 0.05);
  synth::ShopOptions o;
  o.events = 60000;
  synth::write_shop(o, dir.file("default.csv"));
  EXPECT_EQ(slurp(dir.file("default.csv")), slurp(dir.file("free.csv")));
}

// `--buying-mode`: a purchase depends on the hidden mode at the end of the session. A cart among
// the last views of a session (the shopper still buying) is followed by a purchase far more often
// than a cart followed by many more views (the shopper lapsed back to browsing); in the default
// shop every cart is bought at check-out with one probability, wherever it stands.
TEST(Synth, BuyingModeMakesLateCartsConvert) {
  test::TempDir dir;
  // Sessions split at gaps over 30 min (the generator caps gaps inside a session at 30 min); per
  // session with a cart, the views after its last cart and whether it bought after them.
  auto rates = [&](double buying_mode, const std::string& name) {
    const EventLog log = shop_log(dir.file(name), 200000, 0.0, buying_mode);
    std::array<uint64_t, 2> sessions{}, bought{};  // [late cart, early cart]
    int views_after_cart = -1;
    bool buy_after = false;
    auto close = [&] {
      if (views_after_cart >= 0 && (views_after_cart <= 1 || views_after_cart >= 4)) {
        const int k = views_after_cart <= 1 ? 0 : 1;
        ++sessions[k];
        bought[k] += buy_after ? 1 : 0;
      }
      views_after_cart = -1;
      buy_after = false;
    };
    for (size_t i = 0; i < log.size(); ++i) {
      if (i > 0 && (log.user[i] != log.user[i - 1] || log.ts_ms[i] - log.ts_ms[i - 1] > 1800000))
        close();
      if (log.type[i] == EventType::kCart) {
        views_after_cart = 0;
        buy_after = false;
      } else if (log.type[i] == EventType::kView && views_after_cart >= 0) {
        ++views_after_cart;
        buy_after = false;
      } else if (log.type[i] == EventType::kBuy && views_after_cart >= 0) {
        buy_after = true;
      }
    }
    close();
    EXPECT_GT(sessions[0], 300u);
    EXPECT_GT(sessions[1], 300u);
    return std::pair<double, double>(static_cast<double>(bought[0]) / sessions[0],
                                     static_cast<double>(bought[1]) / sessions[1]);
  };
  const auto [modes_late, modes_early] = rates(0.08, "modes.csv");
  const auto [free_late, free_early] = rates(0.0, "free.csv");
  EXPECT_GT(modes_late, 1.5 * modes_early) << modes_late << " vs " << modes_early;
  EXPECT_LT(free_late, 1.2 * free_early) << free_late << " vs " << free_early;
}

}  // namespace
}  // namespace kairos
