#include "tasks/event_labels.h"

#include <algorithm>
#include <array>

#include "core/error.h"
#include "core/event_type.h"

namespace kairos {

EventLabels EventLabels::for_task(Task task, const Dataset& data) {
  EventLabels l;
  l.task_ = task;
  switch (task) {
    case Task::kNextItem:
    case Task::kIntent:
    case Task::kReturn:
    case Task::kDemand:
    case Task::kAudience:
      KAIROS_THROW(ErrorKind::kUsage, "{} is not a label task", task_name(task));
    case Task::kCategory: {
      KAIROS_CHECK(data.num_categories() > 1,
                   "the category task needs item categories; this dataset has none "
                   "(prepare with --items-file, or a format that carries categories)");
      const auto cat = data.item_category();
      l.by_item_.assign(cat.begin(), cat.end());
      l.names_.reserve(data.num_categories());
      for (uint32_t c = 0; c < data.num_categories(); ++c) {
        l.names_.push_back(c == 0 ? "(unknown)" : std::string(data.categories().name(c)));
      }
      l.unknown_first_ = true;
      break;
    }
    case Task::kNextAction: {
      for (auto n : kEventTypeNames) l.names_.emplace_back(n);
      std::array<uint64_t, kNumEventTypes> seen{};
      const SessionSet train = data.train_full();
      for (size_t s = 0; s < train.size(); ++s) {
        for (uint8_t t : train[s].types) ++seen[t < kNumEventTypes ? t : 0];
      }
      KAIROS_CHECK(std::count_if(seen.begin(), seen.end(), [](uint64_t n) { return n > 0; }) > 1,
                   "the next-action task needs at least two behaviour types; this dataset's "
                   "training events are all '{}'",
                   kEventTypeNames[std::max_element(seen.begin(), seen.end()) - seen.begin()]);
      break;
    }
  }
  return l;
}

}  // namespace kairos
