#include "models/interest/interest_model.h"

#include <algorithm>

#include "core/error.h"

namespace kairos {

bool InterestModel::has(Task t) const {
  const auto& ts = tasks();
  return std::find(ts.begin(), ts.end(), t) != ts.end();
}

InterestOutput replay(const InterestModel& m, std::span<const uint32_t> items,
                      std::span<const uint8_t> types) {
  const std::unique_ptr<InterestState> state = m.start();
  for (size_t i = 0; i < items.size(); ++i)
    m.observe(*state, items[i], types.empty() ? 0 : types[i]);
  return m.predict(*state);
}

std::vector<Task> parse_interest_tasks(const nlohmann::json& j) {
  std::vector<Task> out;
  auto add = [&](const nlohmann::json& v) {
    KAIROS_CHECK_USAGE(v.is_string(), "'tasks' must be a task name or a list of them");
    const Task t = parse_task(v.get<std::string>());
    KAIROS_CHECK_USAGE(t != Task::kNextItem,
                       "next-item is not an interest head (train it with a next-item model)");
    KAIROS_CHECK_USAGE(t != Task::kReturn && t != Task::kDemand && t != Task::kAudience,
                       "{} is not a session head (kairos evaluate --task {})", task_name(t),
                       task_name(t));
    KAIROS_CHECK_USAGE(std::find(out.begin(), out.end(), t) == out.end(), "'tasks' names {} twice",
                       task_name(t));
    out.push_back(t);
  };
  if (j.is_array()) {
    for (const auto& v : j) add(v);
  } else {
    add(j);
  }
  KAIROS_CHECK_USAGE(!out.empty(), "'tasks' is empty");
  return out;
}

}  // namespace kairos
