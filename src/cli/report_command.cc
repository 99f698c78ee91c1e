// kairos report: one self-contained HTML page of charts from evaluation / training / benchmark
// JSON (report/report.h). Every input is recognised by its content or refused with the reason.
#include <spdlog/spdlog.h>

#include <cstdio>

#include "cli/command.h"
#include "data/atomic_file.h"
#include "report/report.h"

namespace kairos::cli {
namespace {

struct ReportFlags {
  std::vector<std::string> inputs;
  std::string out = "report.html", title = "Kairos report";
};

void run_report(CLI::App* sub, const ReportFlags& f) {
  print_effective_config(*sub);
  std::vector<report::ReportInput> inputs;
  for (const auto& path : f.inputs) inputs.push_back(report::read_report_input(path));
  report::ReportOptions o;
  o.title = f.title;
  write_file_atomic(f.out, report::render_report(inputs, o));
  std::printf("wrote %s: %zu inputs, %zu charts\n", f.out.c_str(), inputs.size(),
              report::chart_count(inputs));
}

}  // namespace

void add_report_command(CLI::App& root) {
  auto f = std::make_shared<ReportFlags>();
  CLI::App* sub = root.add_subcommand(
      "report",
      "One self-contained HTML page of charts (opens offline) from `kairos evaluate --json`, "
      "`kairos train --json`, training logs (.jsonl) and `kairos bench serve --json` files");
  sub->add_option("inputs", f->inputs, "Input files, in the order of the page's sections")
      ->required()
      ->check(CLI::ExistingFile);
  sub->add_option("--out,-o", f->out, "The HTML file to write")->capture_default_str();
  sub->add_option("--title", f->title, "The page title")->capture_default_str();
  sub->callback([sub, f] { run_report(sub, *f); });
}

}  // namespace kairos::cli
