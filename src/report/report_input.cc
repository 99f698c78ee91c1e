#include "report/report_input.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"

namespace kairos::report {
namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  KAIROS_CHECK_IO(in.good(), "cannot read {}", path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A JSON-lines training log: every non-blank line an object with "epoch" and "loss".
bool parse_training_log(const std::string& text, const std::string& path, nlohmann::json* out) {
  nlohmann::json epochs = nlohmann::json::array();
  std::istringstream in(text);
  std::string line;
  uint64_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object() || !j.contains("epoch") || !j.contains("loss")) {
      if (number == 1) return false;  // not a training log at all
      KAIROS_THROW(ErrorKind::kInput, "{}:{}: not an epoch of a training log", path, number);
    }
    epochs.push_back(std::move(j));
  }
  if (epochs.empty()) return false;
  *out = std::move(epochs);
  return true;
}

}  // namespace

ReportInput read_report_input(const std::string& path) {
  ReportInput in;
  in.path = path;
  in.name = std::filesystem::path(path).stem().string();
  const std::string text = read_text(path);
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    KAIROS_CHECK(parse_training_log(text, path, &in.content),
                 "{}: neither JSON nor a JSON-lines training log", path);
    in.kind = InputKind::kTrainingLog;
    return in;
  }
  KAIROS_CHECK(j.is_object(), "{}: expected a JSON object", path);
  if (j.contains("results") && j.contains("task") && j["results"].is_array()) {
    in.kind = InputKind::kEvaluation;
  } else if (j.contains("training") && j.contains("artifact")) {
    in.kind = InputKind::kTraining;
  } else if (j.value("bench", "") == "serve") {
    in.kind = InputKind::kBenchServe;
  } else {
    KAIROS_THROW(ErrorKind::kInput,
                 "{}: not a kairos evaluate / train / bench serve JSON or a training log (known "
                 "keys: results + task, training + artifact, bench = serve)",
                 path);
  }
  in.content = std::move(j);
  return in;
}

}  // namespace kairos::report
