// The heads every deep interest model carries (models/interest/interest_model.h): a softmax over
// the categories (`category`; the unknown category 0 masked), a softmax over the behaviour types
// (`next-action`) and a logistic output (`intent`) on one shared input row; their outputs and
// their training loss. The interest GRU (interest_gru.cc) puts them on its own GRU, `heads`
// (encoder_heads.cc) on a next-item model's frozen session vector.
#pragma once

#include <torch/torch.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "models/interest/interest_model.h"
#include "tasks/event_labels.h"
#include "tasks/task.h"

namespace kairos {

// Checks the data can carry each label head (categories, several behaviour types) and returns
// the primary (first) head's label space; a default one when intent is primary.
EventLabels primary_label_space(const std::vector<Task>& tasks, const Dataset& data);

// A config's task list as saved ("tasks": names), added to `j`.
nlohmann::json with_task_names(nlohmann::json j, const std::vector<Task>& tasks);
bool has_task(const std::vector<Task>& tasks, Task t);
// "converts" | "within" (checked by the config).
IntentTarget intent_target_of(const std::string& name);

// A batch's loss: the sum over the heads of each head's mean loss, and the primary head's summed
// loss and target count (the trainer's progress).
struct HeadsLoss {
  torch::Tensor total;  // no gradient when no head had a target
  double primary_sum = 0;
  int64_t primary_count = 0;
};

class InterestHeads {
 public:
  // Registers the heads `tasks` names on `module` (as "category_head", "action_head",
  // "intent_head"), each reading `width` inputs.
  void add(torch::nn::Module& module, const std::vector<Task>& tasks, int64_t width,
           int64_t categories);
  bool empty() const { return !category && !action && !intent; }

  // The heads' outputs for one input row `x` [1, width] (non-const: a module's forward is).
  InterestOutput predict(const torch::Tensor& x);
  // `categories` [B] (target category, -100: none), `actions` [B], `intent` [B] (0 / 1; undefined
  // without the head).
  HeadsLoss loss(const torch::Tensor& x, const torch::Tensor& categories,
                 const torch::Tensor& actions, const torch::Tensor& intent, Task primary);

  torch::nn::Linear category{nullptr}, action{nullptr}, intent{nullptr};

 private:
  torch::Tensor mask_;  // [categories]: -inf on the unknown category (0 with a single class)
};

}  // namespace kairos
