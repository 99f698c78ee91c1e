// The charts of a report, as Vega-Lite specifications (https://vega.github.io/vega-lite/) with
// their data inline, built from one input each (report/report_input.h):
//   - next-item evaluation: metric@K curves with 95 % bootstrap intervals, accuracy per prefix
//     length, catalogue coverage and popularity bias, per-case latency percentiles;
//   - category / next-action evaluation: HR@K curves with intervals, reliability diagrams;
//   - intent evaluation: ROC and precision-recall curves, reliability diagrams, ROC-AUC per prefix
//     length;
//   - training (summary or log): training loss and the validation scalar per epoch;
//   - bench serve: latency histograms per request kind.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "report/report_input.h"

namespace kairos::report {

struct Chart {
  std::string title;
  std::string caption;  // one sentence: what is plotted and how to read it
  nlohmann::json spec;  // Vega-Lite
};

std::vector<Chart> charts_of(const ReportInput& input);

// A table of the input's headline figures: column names and rows of cells (already formatted).
struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
};
Table table_of(const ReportInput& input);

}  // namespace kairos::report
