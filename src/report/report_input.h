// The files `kairos report` reads, recognised by their content:
//   - evaluation: `kairos evaluate --json` (any task: next-item, category, next-action, intent);
//   - training:   `kairos train --json` (the trainer's summary with every epoch; test metrics);
//   - training-log: a JSON-lines training log (one object per epoch, `kairos train --log`);
//   - bench-serve: `kairos bench serve --json` (latency histograms per request kind).
// Anything else is refused with the reason, naming the file (a report never silently drops an
// input).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace kairos::report {

enum class InputKind { kEvaluation, kTraining, kTrainingLog, kBenchServe };

struct ReportInput {
  std::string path;
  std::string name;  // the file name without directory and extension: the run's label
  InputKind kind = InputKind::kEvaluation;
  // The file's JSON; a training log's lines as an array of epochs.
  nlohmann::json content;
};

// Throws kIo (unreadable) or kInput (not one of the kinds above, with the reason).
ReportInput read_report_input(const std::string& path);

}  // namespace kairos::report
