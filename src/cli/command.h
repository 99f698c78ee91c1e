// Each `kairos` subcommand lives in its own file and exposes one function that adds it to the
// root app: it declares its flags (bound to an options struct it owns) and sets the callback that
// does the work. main.cc holds the table of these functions; nothing registers itself.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace kairos::cli {

using AddCommand = void (*)(CLI::App& root);

// Subcommands (one file each).
void add_synth_command(CLI::App& root);
void add_prepare_command(CLI::App& root);
void add_stats_command(CLI::App& root);
void add_evaluate_command(CLI::App& root);
void add_bench_command(CLI::App& root);
void add_bench_model_command(CLI::App& bench);  // under `kairos bench`
void add_bench_serve_command(CLI::App& bench);  // under `kairos bench`
void add_train_command(CLI::App& root);
void add_predict_command(CLI::App& root);
void add_serve_command(CLI::App& root);
void add_report_command(CLI::App& root);
void add_forecast_command(CLI::App& root);
void add_stream_command(CLI::App& root);

// Prints the effective configuration (config file + flags, flags win) of `app` to stderr, so
// every run's log says what it ran with.
void print_effective_config(const CLI::App& app);

}  // namespace kairos::cli
