// `kairos report`: one self-contained HTML page (no server, no network: the charting libraries
// are inlined, web/web_assets.h) from evaluation JSON, training summaries and logs, and serving
// benchmarks (report/report_input.h). Each input gets a section with its headline table and its
// charts (report/charts.h), drawn by Vega-Lite in the browser.
#pragma once

#include <string>
#include <vector>

#include "report/report_input.h"

namespace kairos::report {

struct ReportOptions {
  std::string title = "Kairos report";
};

std::string render_report(const std::vector<ReportInput>& inputs, const ReportOptions& o);

// The number of charts render_report draws for `inputs` (the browser test waits for them all).
size_t chart_count(const std::vector<ReportInput>& inputs);

}  // namespace kairos::report
