// kairos bench: end-to-end figures of the real commands (docs/BENCHMARKS.md records them).
//   kairos bench prepare  -- synth a Taobao-format log, then time `kairos prepare` on it in a
//                            child process: events/s end to end and peak memory.
//   kairos bench model    -- per-event latency of an artifact (bench_model_command.cc).
//   kairos bench serve    -- open-loop HTTP load on a running server (bench_serve_command.cc).
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cli/child_process.h"
#include "cli/command.h"
#include "core/error.h"
#include "core/format.h"
#include "data/atomic_file.h"

namespace kairos::cli {
namespace {

struct BenchPrepareFlags {
  uint64_t events = 10'000'000;
  std::string workdir = "/tmp/kairos-bench";
  uint64_t seed = 1;
  bool keep = false;
  int threads = 0;  // prepare's --threads; 0 = its default
};

void run_bench_prepare(CLI::App* sub, const BenchPrepareFlags& f) {
  print_effective_config(*sub);
  namespace fs = std::filesystem;
  fs::create_directories(f.workdir);
  const std::string self = self_executable();
  const std::string csv =
      (fs::path(f.workdir) / fmt::format("taobao_{}_{}.csv", f.events, f.seed)).string();
  if (!fs::exists(csv)) {
    std::fprintf(stderr, "generating %s events into %s\n", with_commas(f.events).c_str(),
                 csv.c_str());
    const auto gen = run_child({self, "--quiet", "synth", "--events", std::to_string(f.events),
                                "--seed", std::to_string(f.seed), "--output", csv});
    KAIROS_CHECK(gen.exit_code == 0, "kairos synth failed (exit {})", gen.exit_code);
  }
  // The log was just written: without this the kernel writes its 300 MB back during the timed
  // run, and the figure measures the disk (7 s instead of 4.3 s on the 2-core machine).
  fsync_path(csv);
  const std::string out = (fs::path(f.workdir) / "prepared").string();
  std::vector<std::string> args = {self,       "--quiet", "--log-level", "warn", "prepare",
                                   "--format", "taobao",  "--input",     csv,    "--output",
                                   out};
  if (f.threads > 0) args.insert(args.end(), {"--threads", std::to_string(f.threads)});
  const auto run = run_child(args);
  KAIROS_CHECK(run.exit_code == 0, "kairos prepare failed (exit {})", run.exit_code);
  std::ifstream stats_file(fs::path(out) / "stats.json");
  const auto stats = nlohmann::json::parse(stats_file);
  const uint64_t rows = stats["input"]["rows_read"];
  const uint64_t events = stats["input"]["events"];
  const double rate = events / run.wall_seconds;
  std::printf(
      "bench prepare: %s rows, %s events, %.2f s wall, %s events/s, peak RSS %s "
      "(input %s)\n",
      with_commas(rows).c_str(), with_commas(events).c_str(), run.wall_seconds,
      with_commas(static_cast<uint64_t>(rate)).c_str(), human_bytes(run.peak_rss_bytes).c_str(),
      human_bytes(fs::file_size(csv)).c_str());
  const nlohmann::json j = {{"bench", "prepare"},
                            {"events", events},
                            {"rows", rows},
                            {"wall_seconds", run.wall_seconds},
                            {"events_per_second", rate},
                            {"peak_rss_bytes", run.peak_rss_bytes},
                            {"input_bytes", fs::file_size(csv)}};
  std::printf("%s\n", j.dump().c_str());
  if (!f.keep) {
    fs::remove(csv);
    fs::remove_all(out);
  }
}

}  // namespace

void add_bench_command(CLI::App& root) {
  CLI::App* bench = root.add_subcommand("bench", "End-to-end benchmarks of the real commands");
  bench->require_subcommand(1);
  auto f = std::make_shared<BenchPrepareFlags>();
  CLI::App* prep = bench->add_subcommand(
      "prepare", "Time `kairos prepare` on a generated Taobao-format log (events/s, peak memory)");
  prep->add_option("--events", f->events, "Events to generate")->capture_default_str();
  prep->add_option("--workdir", f->workdir, "Scratch directory")->capture_default_str();
  prep->add_option("--seed", f->seed, "Generator seed")->capture_default_str();
  prep->add_flag("--keep", f->keep, "Keep the generated log and prepared dataset");
  prep->add_option("--threads", f->threads, "prepare's --threads (0: its default, the cores)")
      ->capture_default_str();
  prep->callback([prep, f] { run_bench_prepare(prep, *f); });
  add_bench_model_command(*bench);
  add_bench_serve_command(*bench);
}

}  // namespace kairos::cli
