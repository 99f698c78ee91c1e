// kairos: the command-line entry point. A table of subcommands (one file each) and the one place
// where exceptions become messages and exit codes (docs/CLI.md):
//   0 ok · 1 internal error · 2 usage/config error · 3 bad input data · 4 file I/O error.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <memory>

#include "cli/command.h"
#include "cli/yaml_config.h"
#include "core/error.h"
#include "core/log.h"
#include "core/progress.h"

namespace {

constexpr kairos::cli::AddCommand kCommands[] = {
    kairos::cli::add_synth_command,    kairos::cli::add_prepare_command,
    kairos::cli::add_stats_command,    kairos::cli::add_train_command,
    kairos::cli::add_evaluate_command, kairos::cli::add_predict_command,
    kairos::cli::add_serve_command,    kairos::cli::add_bench_command,
    kairos::cli::add_report_command,   kairos::cli::add_forecast_command,
    kairos::cli::add_stream_command,
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "kairos - predict e-commerce shoppers' short-term interests from behaviour streams.\n"
      "Run `kairos <command> --help` for a command's flags.",
      "kairos"};
  app.require_subcommand(1);
  app.config_formatter(std::make_shared<kairos::cli::YamlConfig>());
  app.set_config("--config", "", "YAML config file (keys = flag names; flags win)");
  std::string log_level = "info";
  bool quiet = false;
  app.add_option("--log-level", log_level, "trace|debug|info|warn|error|off")
      ->capture_default_str();
  bool verbose = false;
  app.add_flag("--quiet,-q", quiet, "No progress bars");
  app.add_flag("--verbose,-v", verbose,
               "Debug logging, including each command's effective configuration");
  app.parse_complete_callback([&] {
    kairos::init_logging(verbose ? "debug" : log_level);
    kairos::ProgressBar::set_enabled(!quiet);
  });
  for (auto add : kCommands) add(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : static_cast<int>(kairos::ErrorKind::kUsage);
  } catch (const kairos::Error& e) {
    std::fprintf(stderr, "kairos: error: %s\n", e.what());
    return static_cast<int>(e.kind());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kairos: internal error: %s\n", e.what());
    return static_cast<int>(kairos::ErrorKind::kInternal);
  }
  return 0;
}
