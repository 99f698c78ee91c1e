// kairos synth: write the synthetic shop's behaviour log (docs/SYNTH.md) in Taobao format.
#include <cstdio>

#include "cli/command.h"
#include "core/format.h"
#include "core/system.h"
#include "data/synth/shop.h"

namespace kairos::cli {
namespace {

void run_synth(CLI::App* sub, const synth::ShopOptions& o, const std::string& output) {
  print_effective_config(*sub);
  const synth::ShopOptions sized = synth::resolve_sizes(o);
  std::fprintf(stderr, "synthetic shop: %s items in %s categories under %s top-level, %s users\n",
               with_commas(sized.items).c_str(), with_commas(sized.categories).c_str(),
               with_commas(sized.top_categories).c_str(), with_commas(sized.users).c_str());
  Stopwatch watch;
  const synth::ShopStats st = synth::write_shop(o, output);
  const double s = watch.seconds();
  std::fprintf(stderr,
               "wrote %s events (%s pv / %s cart / %s fav / %s buy), %s users, %s sessions to %s "
               "in %.1f s (%s events/s)\n",
               with_commas(st.events).c_str(), with_commas(st.per_type[0]).c_str(),
               with_commas(st.per_type[1]).c_str(), with_commas(st.per_type[2]).c_str(),
               with_commas(st.per_type[3]).c_str(), with_commas(st.users).c_str(),
               with_commas(st.sessions).c_str(), output.c_str(), s,
               with_commas(static_cast<uint64_t>(st.events / std::max(s, 1e-9))).c_str());
}

}  // namespace

void add_synth_command(CLI::App& root) {
  auto o = std::make_shared<synth::ShopOptions>();
  auto output = std::make_shared<std::string>();
  CLI::App* sub = root.add_subcommand(
      "synth", "Generate a synthetic shop's behaviour log (Taobao UserBehavior format)");
  sub->add_option("--events,-n", o->events, "Exact number of rows to write (1e3 .. 1e8)")
      ->capture_default_str();
  sub->add_option("--output,-o", *output, "Output file ('-' = stdout, *.gz = gzip)")->required();
  sub->add_option("--seed", o->seed, "Random seed (same seed, same file)")->capture_default_str();
  sub->add_option("--users", o->users, "Users (0 = events / 100)")->capture_default_str();
  sub->add_option("--items", o->items, "Items (0 = events / 24)")->capture_default_str();
  sub->add_option("--categories", o->categories, "Leaf categories (0 = sqrt(events), <= 10,000)")
      ->capture_default_str();
  sub->add_option("--top-categories", o->top_categories,
                  "Top-level categories (0 = categories / 30)")
      ->capture_default_str();
  sub->add_option("--item-zipf", o->item_zipf, "Item popularity exponent")->capture_default_str();
  sub->add_option("--start", o->start_s, "Unix seconds of local midnight of the first day")
      ->capture_default_str();
  sub->add_option("--days", o->days, "Days the log spans")->capture_default_str();
  sub->add_option("--session-length", o->session_length, "Mean views per session")
      ->capture_default_str();
  sub->add_option("--tastes-share", o->tastes_share,
                  "Share of session intents drawn from the user's long-term tastes")
      ->capture_default_str();
  sub->add_option("--drift", o->drift, "Per view: probability the session intent moves")
      ->capture_default_str();
  sub->add_option("--repeat", o->repeat, "Per view: probability of re-viewing a session item")
      ->capture_default_str();
  sub->add_option("--cart", o->cart, "Per view: cart probability")->capture_default_str();
  sub->add_option("--fav", o->fav, "Per view: favourite probability")->capture_default_str();
  sub->add_option("--buy-after-cart", o->buy_after_cart, "Per cart: later purchase probability")
      ->capture_default_str();
  sub->add_option("--direct-buy", o->direct_buy, "Per view: purchase without a cart")
      ->capture_default_str();
  sub->add_option("--category-tree", o->category_tree_path,
                  "Also write the category tree (category_id,parent_id) here");
  sub->callback([sub, o, output] { run_synth(sub, *o, *output); });
}

}  // namespace kairos::cli
