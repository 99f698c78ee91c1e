// The class of every event for the label tasks (tasks/task.h):
//   category     the event's item's category; class 0 is the unknown category (items without
//                one): never a target, never predicted
//   next-action  the event's behaviour type: view, cart, fav, buy (classes 0..3, all targets)
// A label depends on the event alone, so a prefix's labels never see the future.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "tasks/task.h"

namespace kairos {

class EventLabels {
 public:
  // Throws kUsage for next-item, kInput for the category task on a dataset without categories.
  static EventLabels for_task(Task task, const Dataset& data);

  Task task() const { return task_; }
  uint32_t num_classes() const { return static_cast<uint32_t>(names_.size()); }
  const std::vector<std::string>& class_names() const { return names_; }
  uint32_t label(uint32_t item, uint8_t type) const {
    if (by_item_.empty()) return type < names_.size() ? type : 0;
    return item < by_item_.size() ? by_item_[item] : 0;
  }
  // Whether a class can be a target (and gets probability): all but the unknown category.
  bool is_target(uint32_t label) const { return !unknown_first_ || label != 0; }
  bool has_unknown_class() const { return unknown_first_; }

 private:
  Task task_ = Task::kCategory;
  std::vector<uint32_t> by_item_;  // category task: item -> category; empty: the event type
  std::vector<std::string> names_;
  bool unknown_first_ = false;
};

}  // namespace kairos
