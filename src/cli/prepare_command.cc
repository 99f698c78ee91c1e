// kairos prepare: raw behaviour logs -> a prepared dataset directory (dataset.kds + stats.json).
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "cli/command.h"
#include "cli/parse_values.h"
#include "core/error.h"
#include "core/format.h"
#include "core/parallel.h"
#include "data/atomic_file.h"
#include "data/prepare.h"
#include "stream/stream_export.h"

namespace kairos::cli {
namespace {

struct PrepareFlags {
  PrepareOptions options;
  std::string split = "temporal";
  std::string output;
  std::string type_map;
  std::string clock_train_start = "2016-01-01", clock_train_end = "2016-05-25",
              clock_test_end = "2016-06-01";
  uint32_t min_item_support = 0, min_session_length = 0;
  std::string since, until;
  std::string separator = ",";
  bool no_header = false;
};

void add_csv_flags(CLI::App* sub, PrepareFlags* f) {
  CsvMapping& m = f->options.read.csv;
  auto* g = sub->add_option_group("csv", "Column mapping of --format csv");
  g->add_option("--csv-separator", f->separator, "Field separator (',' ';' 'tab' '|')")
      ->capture_default_str();
  g->add_flag("--csv-no-header", f->no_header, "The file has no header row (columns by position)");
  g->add_option("--csv-user", m.user_col, "User id column (name or 0-based position)");
  g->add_option("--csv-session", m.session_col, "Session id column");
  g->add_option("--csv-item", m.item_col, "Item id column")->capture_default_str();
  g->add_option("--csv-category", m.category_col, "Category column");
  g->add_option("--csv-type", m.type_col, "Behaviour type column");
  g->add_option("--csv-time", m.time_col, "Timestamp column");
  g->add_option("--csv-time-unit", m.time_unit, "s | ms | us | iso")->capture_default_str();
  g->add_option("--csv-type-map", f->type_map,
                "Behaviour values, e.g. '1=view,2=cart,3=fav,4=buy'");
}

void add_pipeline_flags(CLI::App* sub, PrepareFlags* f) {
  PrepareOptions& o = f->options;
  sub->add_option("--session-gap-min", o.session_gap_min,
                  "Inactivity gap (minutes) that ends a session when the data has no session ids")
      ->capture_default_str();
  sub->add_flag("--dedup", o.dedup_consecutive, "Drop consecutive repeats of the same item");
  sub->add_option("--min-item-support", f->min_item_support,
                  "Iterative filter: minimum events per item (default 5; off for --train/--test)");
  sub->add_option("--min-session-length", f->min_session_length,
                  "Iterative filter: minimum session length (default 2, leave-one-out 3; off for "
                  "--train/--test)");
  sub->add_option("--since", f->since,
                  "Keep events at or after this UTC time (YYYY-MM-DD[THH:MM:SS]); e.g. a window "
                  "of the event stream");
  sub->add_option("--until", f->until, "Keep events before this UTC time (YYYY-MM-DD[THH:MM:SS])");
  sub->add_option("--test-days", o.test_days,
                  "Temporal split: test = sessions ending in the last N days")
      ->capture_default_str();
  sub->add_option("--valid-days", o.valid_days, "Validation = the last N days of training")
      ->capture_default_str();
  sub->add_option("--clock-train-start", f->clock_train_start,
                  "Synthetic clock for logs without times: training sessions start (UTC date)")
      ->capture_default_str();
  sub->add_option("--clock-train-end", f->clock_train_end, "... training ends / test starts")
      ->capture_default_str();
  sub->add_option("--clock-test-end", f->clock_test_end, "... test ends")->capture_default_str();
}

// `--format stream --input redis://HOST:PORT[/KEY]`: the --since/--until window of the Redis
// stream is first copied into <output>/stream-window-<n>.tsv (kept: the record of what the
// dataset was built from), which is then read like any stream file.
void read_redis_windows(const PrepareFlags& f, PrepareOptions* o) {
  int n = 0;
  for (std::string& input : o->inputs) {
    if (!is_redis_url(input)) continue;
    KAIROS_CHECK_USAGE(o->read.format == "stream", "{}: a Redis input needs --format stream",
                       input);
    ensure_directory(f.output);
    const std::string path =
        (std::filesystem::path(f.output) / fmt::format("stream-window-{}.tsv", ++n)).string();
    const ExportCounts c = export_window(parse_redis_stream_url(input), o->since_ms.value_or(0),
                                         o->until_ms.value_or(INT64_MAX), path);
    spdlog::info("{}: {} stream entries in the window -> {} ({} not Kairos events)", input,
                 c.entries, path, c.skipped);
    input = path;
  }
}

void run_prepare(CLI::App* sub, PrepareFlags& f) {
  print_effective_config(*sub);
  PrepareOptions& o = f.options;
  o.split = parse_split(f.split);
  o.read.csv.separator = parse_separator(f.separator);
  o.read.csv.header = !f.no_header;
  o.read.csv.type_values = parse_pairs(f.type_map, "--csv-type-map");
  if (!f.since.empty()) o.since_ms = parse_utc_date_ms(f.since);
  if (!f.until.empty()) o.until_ms = parse_utc_date_ms(f.until);
  if (sub->count("--min-item-support")) o.min_item_support = f.min_item_support;
  if (sub->count("--min-session-length")) o.min_session_length = f.min_session_length;
  o.clock.train_start_ms = parse_utc_date_ms(f.clock_train_start);
  o.clock.train_end_ms = parse_utc_date_ms(f.clock_train_end);
  o.clock.test_end_ms = parse_utc_date_ms(f.clock_test_end);

  read_redis_windows(f, &o);
  PrepareResult result = prepare(o);
  ensure_directory(f.output);
  const std::filesystem::path dir(f.output);
  const std::string fingerprint = result.dataset.save((dir / "dataset.kds").string());
  write_file_atomic((dir / "stats.json").string(), result.stats.to_json().dump(2) + "\n");
  std::printf("%s", result.stats.to_table().c_str());
  std::printf("wrote %s (%s events, fingerprint %s) and stats.json in %.1fs\n",
              (dir / "dataset.kds").c_str(), with_commas(result.dataset.num_events()).c_str(),
              fingerprint.c_str(), result.stats.seconds);
}

}  // namespace

void add_prepare_command(CLI::App& root) {
  auto f = std::make_shared<PrepareFlags>();
  CLI::App* sub = root.add_subcommand(
      "prepare", "Read raw behaviour logs into sessions, filter, split and save a dataset");
  PrepareOptions& o = f->options;
  sub->add_option("--format", o.read.format, "Input format: " + join_format_names())->required();
  sub->add_option(
      "--input", o.inputs,
      "Event file(s); gzip/zstd are detected. --format stream: stream files, their directory, "
      "or redis://HOST:PORT[/KEY] (the --since/--until window)");
  sub->add_option("--train", o.train_files, "Predefined split: training file(s)");
  sub->add_option("--test", o.test_files, "Predefined split: test file(s)");
  sub->add_option("--items-file", o.read.item_attribute_files,
                  "Item side table(s): RetailRocket item_properties*.csv, Diginetica "
                  "product-categories.csv, Amazon item2attributes.json");
  sub->add_option("--buys-file", o.read.buy_files,
                  "Purchases as buy events: Diginetica train-purchases.csv, YooChoose buys");
  sub->add_option("--split", f->split, "temporal | leave-one-out (predefined with --train/--test)")
      ->capture_default_str();
  sub->add_option("--output", f->output, "Output directory")->required();
  sub->add_flag("--strict", o.read.strict, "Make the first malformed row fatal");
  o.read.threads = std::min(hardware_threads(), 8);
  sub->add_option("--threads", o.read.threads,
                  "Threads reading one large plain file of a format with independent rows "
                  "(taobao); the dataset does not depend on it (default: the cores, at most 8)")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  sub->add_option("--max-line-bytes", o.read.max_line_bytes,
                  "Longest input line; longer lines are skipped and counted")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  add_csv_flags(sub, f.get());
  add_pipeline_flags(sub, f.get());
  sub->callback([sub, f] { run_prepare(sub, *f); });
}

}  // namespace kairos::cli
