#include "models/deep/interest_heads.h"

#include <algorithm>
#include <limits>

#include "core/event_type.h"

namespace kairos {

EventLabels primary_label_space(const std::vector<Task>& tasks, const Dataset& data) {
  EventLabels primary;
  for (Task t : tasks) {
    if (t == Task::kIntent) continue;
    EventLabels l = EventLabels::for_task(t, data);
    if (t == tasks.front()) primary = std::move(l);
  }
  return primary;
}

nlohmann::json with_task_names(nlohmann::json j, const std::vector<Task>& tasks) {
  nlohmann::json names = nlohmann::json::array();
  for (Task t : tasks) names.push_back(std::string(task_name(t)));
  j["tasks"] = names;
  return j;
}

bool has_task(const std::vector<Task>& tasks, Task t) {
  return std::find(tasks.begin(), tasks.end(), t) != tasks.end();
}

IntentTarget intent_target_of(const std::string& name) {
  return name == "converts" ? IntentTarget::kConverts : IntentTarget::kWithin;
}

void InterestHeads::add(torch::nn::Module& module, const std::vector<Task>& tasks, int64_t width,
                        int64_t categories) {
  if (has_task(tasks, Task::kCategory))
    category = module.register_module("category_head", torch::nn::Linear(width, categories));
  if (has_task(tasks, Task::kNextAction))
    action = module.register_module("action_head", torch::nn::Linear(width, kNumEventTypes));
  if (has_task(tasks, Task::kIntent))
    intent = module.register_module("intent_head", torch::nn::Linear(width, 1));
  mask_ = torch::zeros({categories});
  if (categories > 1) mask_[0] = -std::numeric_limits<float>::infinity();  // the unknown category
}

InterestOutput InterestHeads::predict(const torch::Tensor& x) {
  InterestOutput out;
  auto copy = [](const torch::Tensor& t) {
    const torch::Tensor c = t.reshape({-1}).contiguous();
    return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
  };
  if (category) out.category = copy(torch::softmax(category->forward(x).reshape({-1}) + mask_, 0));
  if (action) out.next_action = copy(torch::softmax(action->forward(x), 1));
  if (intent) out.intent = torch::sigmoid(intent->forward(x)).item<double>();
  return out;
}

HeadsLoss InterestHeads::loss(const torch::Tensor& x, const torch::Tensor& categories,
                              const torch::Tensor& actions, const torch::Tensor& intent_targets,
                              Task primary) {
  namespace F = torch::nn::functional;
  const auto sum = torch::kSum;
  const double n = static_cast<double>(x.size(0));
  HeadsLoss r;
  r.total = torch::zeros({});
  auto count = [&](Task t, const torch::Tensor& l, int64_t targets) {
    if (t != primary) return;
    r.primary_sum = l.item<double>();
    r.primary_count = targets;
  };
  if (category) {
    const int64_t targets = categories.ne(-100).sum().item<int64_t>();
    if (targets > 0) {
      const torch::Tensor l =
          F::cross_entropy(category->forward(x), categories,
                           F::CrossEntropyFuncOptions().ignore_index(-100).reduction(sum));
      r.total = r.total + l / static_cast<double>(targets);
      count(Task::kCategory, l, targets);
    }
  }
  if (action) {
    const torch::Tensor l =
        F::cross_entropy(action->forward(x), actions, F::CrossEntropyFuncOptions().reduction(sum));
    r.total = r.total + l / n;
    count(Task::kNextAction, l, x.size(0));
  }
  if (intent) {
    const torch::Tensor l = F::binary_cross_entropy_with_logits(
        intent->forward(x).reshape({-1}), intent_targets,
        F::BinaryCrossEntropyWithLogitsFuncOptions().reduction(sum));
    r.total = r.total + l / n;
    count(Task::kIntent, l, x.size(0));
  }
  return r;
}

}  // namespace kairos
