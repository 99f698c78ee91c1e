// Tasks: what a model predicts from a session prefix, and the one validation scalar that judges
// it (docs/TASKS.md has the definitions and the leakage rules).
//   next-item    the next item, ranked over the whole catalogue (eval/evaluator.h)
//   category     the distribution over categories of the next event and of the rest of the session
//   next-action  the distribution over behaviour types (view, cart, fav, buy) of the next event
//   intent       the probability that a purchase is still to come in the session (and within the
//                next N events): tasks/intent_targets.h
// category and next-action are label tasks: every event carries a class (tasks/event_labels.h) and
// the models predict a calibrated distribution over the classes (models/labels/).
//   return       per customer at a cut-off: P(a purchase within the horizon) and the expected
//                number of purchases (tasks/customer_window.h; customer-level, from transactions)
//   demand       daily units per item and in total over the next days (tasks/demand_series.h;
//                from transactions, rolling-origin evaluation)
//   audience     for an item never sold before a cut-off, the known customers ranked by how likely
//                they buy it (tasks/new_item_audience.h; from transactions with item attributes)
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kairos {

enum class Task { kNextItem, kCategory, kNextAction, kIntent, kReturn, kDemand, kAudience };

Task parse_task(std::string_view name);  // throws kUsage, listing the tasks
std::string_view task_name(Task t);
const std::vector<std::string>& task_names();

// The scalar early stopping and model selection watch on the validation part.
struct ValidationMetric {
  std::string name;
  bool higher_is_better = true;
};
ValidationMetric validation_metric(Task t);

}  // namespace kairos
