#include "models/deep/warm_start.h"

#include <spdlog/spdlog.h>

#include <map>
#include <string>

#include "core/error.h"
#include "models/deep/adam_state.h"

namespace kairos {

NamedTensors clone_tensors(const NamedTensors& tensors) {
  NamedTensors out;
  for (const auto& [name, t] : tensors) out.emplace_back(name, t.detach().clone());
  return out;
}

void grow_tensors(const NamedTensors& old, const NamedTensors& now, int64_t first_new,
                  std::span<const uint32_t> item_category) {
  KAIROS_CHECK(old.size() == now.size(), "warm start: {} tensors saved, the model has {}",
               old.size(), now.size());
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < now.size(); ++i) {
    KAIROS_CHECK(old[i].first == now[i].first, "warm start: tensor {} is '{}', expected '{}'", i,
                 old[i].first, now[i].first);
    torch::Tensor to = now[i].second;
    copy_leading_rows(old[i].second, to);
    if (old[i].second.size(0) == to.size(0) || !to.is_floating_point()) continue;
    torch::Tensor rows = to.dim() == 1 ? to.view({-1, 1}) : to;
    init_rows_from_category_mean(rows, first_new, item_category);
  }
}

NamedTensors grow_adam_state(const NamedTensors& old_adam, const NamedTensors& now) {
  if (old_adam.empty()) return {};
  const std::map<std::string, torch::Tensor> by_name(old_adam.begin(), old_adam.end());
  NamedTensors grown = empty_adam_state(now);  // new items' moments start at zero
  for (auto& [name, t] : grown) {
    if (const auto it = by_name.find(name); it != by_name.end()) copy_leading_rows(it->second, t);
  }
  return grown;
}

NamedTensors grow_model(const std::string& model, uint32_t old_items, uint32_t num_items,
                        std::span<const uint32_t> item_category, const NamedTensors& adam,
                        const std::function<NamedTensors()>& named,
                        const std::function<NamedTensors()>& params,
                        const std::function<void()>& rebuild) {
  KAIROS_CHECK_USAGE(old_items > 0, "{}: grow_items() needs loaded weights", model);
  KAIROS_CHECK(num_items >= old_items, "{}: cannot shrink {} items to {}", model, old_items,
               num_items);
  const NamedTensors old = clone_tensors(named());
  rebuild();
  grow_tensors(old, named(), old_items, item_category);
  spdlog::info("{}: warm start from {} items grown to {}{}", model, old_items, num_items,
               adam.empty() ? " (the artifact has no optimiser state: it starts anew)" : "");
  return grow_adam_state(adam, params());
}

}  // namespace kairos
