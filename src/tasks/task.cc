#include "tasks/task.h"

#include <fmt/format.h>

#include "core/error.h"

namespace kairos {

const std::vector<std::string>& task_names() {
  static const std::vector<std::string> names = {"next-item", "category", "next-action", "intent",
                                                 "return",    "demand",   "audience"};
  return names;
}

Task parse_task(std::string_view name) {
  if (name == "next-item") return Task::kNextItem;
  if (name == "category") return Task::kCategory;
  if (name == "next-action") return Task::kNextAction;
  if (name == "intent") return Task::kIntent;
  if (name == "return") return Task::kReturn;
  if (name == "demand") return Task::kDemand;
  if (name == "audience") return Task::kAudience;
  KAIROS_THROW(ErrorKind::kUsage, "unknown task '{}' (tasks: {})", name,
               fmt::join(task_names(), ", "));
}

std::string_view task_name(Task t) {
  switch (t) {
    case Task::kNextItem:
      return "next-item";
    case Task::kCategory:
      return "category";
    case Task::kNextAction:
      return "next-action";
    case Task::kIntent:
      return "intent";
    case Task::kReturn:
      return "return";
    case Task::kDemand:
      return "demand";
    case Task::kAudience:
      return "audience";
  }
  return "?";
}

ValidationMetric validation_metric(Task t) {
  if (t == Task::kNextItem) return {"MRR@20", true};
  if (t == Task::kDemand) return {"WAPE", false};
  if (t == Task::kAudience) return {"Recall@100", true};
  return {"log-loss", false};  // label tasks: calibrated probabilities are the product
}

}  // namespace kairos
