// kairos synth: write the synthetic shop's behaviour log (docs/SYNTH.md) in Taobao format, or,
// with --from-data, synthetic sessions imitating a prepared dataset (pipeline/synthesize.h).
#include <cstdio>

#include "cli/command.h"
#include "core/error.h"
#include "core/format.h"
#include "core/system.h"
#include "data/atomic_file.h"
#include "data/synth/shop.h"
#include "pipeline/synthesize.h"

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

void run_from_data(CLI::App* sub, SynthesizeRequest r, const std::string& output,
                   const std::string& json) {
  print_effective_config(*sub);
  r.output = output;
  const SynthesizeReport rep = synthesize(r);
  const SyntheticQuality& q = rep.quality;
  std::fprintf(stderr,
               "synthetic sessions (%s): %s sessions, %s events in %.1f s; %s events redrawn and "
               "%s sessions ended by --max-copy-run\n",
               rep.generator.c_str(), with_commas(rep.generation.sessions).c_str(),
               with_commas(rep.generation.events).c_str(), rep.seconds,
               with_commas(rep.generation.redrawn).c_str(),
               with_commas(rep.generation.forced_ends).c_str());
  std::printf("distribution  mean length real %.2f / synthetic %.2f, length TV %.4f\n",
              q.real_mean_length, q.synthetic_mean_length, q.length_tv);
  std::printf("              items used real %u / synthetic %u, item JS %.4f bits\n", q.real_items,
              q.synthetic_items, q.item_js);
  std::printf("              transition JS %.4f bits, synthetic transitions seen in real %.4f\n",
              q.transition_js, q.known_transitions);
  std::printf("privacy       sessions equal to a training session %.4f\n", q.exact_copies);
  for (const auto& [run, share] : q.run_copies) {
    std::printf("              sessions copying a run of %zu training items %.4f\n", run, share);
  }
  std::printf("wrote %s (synthetic train + valid, the real test part)\n", output.c_str());
  if (!json.empty()) write_file_atomic(json, rep.to_json().dump(2) + "\n");
}

}  // namespace

void add_synth_command(CLI::App& root) {
  auto o = std::make_shared<synth::ShopOptions>();
  auto output = std::make_shared<std::string>();
  auto from = std::make_shared<SynthesizeRequest>();
  auto json = std::make_shared<std::string>();
  auto hparams = std::make_shared<std::string>();
  CLI::App* sub = root.add_subcommand(
      "synth",
      "Generate a synthetic shop's behaviour log (Taobao UserBehavior format), or with "
      "--from-data synthetic sessions imitating a prepared dataset");
  sub->add_option("--events,-n", o->events, "Exact number of rows to write (1e3 .. 1e8)")
      ->capture_default_str();
  sub->add_option("--output,-o", *output,
                  "Output file ('-' = stdout, *.gz = gzip); with --from-data a dataset directory")
      ->required();
  sub->add_option("--from-data", from->data,
                  "Imitate this prepared dataset (its train + valid sessions): writes a dataset "
                  "whose train and valid parts are synthetic and whose test part is real");
  sub->add_option("--generator", from->generator,
                  "--from-data: the generator to fit (markov, seqgan)")
      ->capture_default_str();
  sub->add_option("--hparams", *hparams, "--from-data: the generator's hyperparameters (JSON)");
  sub->add_option("--from-model", from->from_model,
                  "--from-data: generate with the generator an earlier --save-model wrote for "
                  "this dataset instead of fitting one");
  sub->add_option("--save-model", from->save_model,
                  "--from-data: save the fitted generator here (meta.json, model.pt)");
  sub->add_option("--sessions", from->sessions,
                  "--from-data: sessions to generate (0 = as many as train + valid)")
      ->capture_default_str();
  sub->add_option("--max-copy-run", from->max_copy_run,
                  "--from-data: refuse any event that completes a run of this many consecutive "
                  "items of a training session (0 = off)")
      ->capture_default_str();
  sub->add_option("--check-runs", from->check_runs,
                  "--from-data: run lengths the privacy check counts")
      ->capture_default_str();
  sub->add_option("--sessions-file", from->sessions_file,
                  "--from-data: also write the sessions as session-lines (external item ids)");
  sub->add_option("--json", *json, "--from-data: write the report (generation, checks) here");
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
  sub->add_option("--abandon-on-drift", o->abandon_on_drift,
                  "Per carted item: share of check-out purchases abandoned when the session's "
                  "intent has left the item's category (0 = order-free funnel)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  sub->add_option("--buying-mode", o->buying_mode,
                  "Per view: probability a browsing shopper switches to a hidden buying mode "
                  "(0 = no modes; docs/SYNTH.md, \"Shopping modes\")")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  sub->add_option("--category-tree", o->category_tree_path,
                  "Also write the category tree (category_id,parent_id) here");
  sub->callback([sub, o, output, from, json, hparams] {
    KAIROS_CHECK_USAGE(from->from_model.empty() || !from->data.empty(),
                       "--from-model needs --from-data (the dataset it was fitted on: its test "
                       "part and the checks)");
    if (!from->data.empty()) {
      from->seed = o->seed;
      if (!hparams->empty()) {
        try {
          from->hparams = nlohmann::json::parse(*hparams);
        } catch (const nlohmann::json::exception& e) {
          KAIROS_THROW(ErrorKind::kUsage, "--hparams is not JSON: {}", e.what());
        }
        KAIROS_CHECK_USAGE(from->hparams.is_object(), "--hparams must be a JSON object");
      }
      run_from_data(sub, *from, *output, *json);
    } else {
      run_synth(sub, *o, *output);
    }
  });
}

}  // namespace kairos::cli
