// Warm start (docs/ONLINE.md): a next-item model rebuilt for a grown catalogue takes the loaded
// model's weights and Adam state. The item-indexed tensors are the ones whose first dimension
// grew (only item tables depend on the catalogue's size); their new rows are the new items.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <span>
#include <string>

#include "models/deep/tensor_io.h"

namespace kairos {

// Deep copies (the weights to keep before build() replaces them).
NamedTensors clone_tensors(const NamedTensors& tensors);

// Copies each tensor of `old` into the same-named tensor of `now`, in place (the leading rows
// where the first dimension grew). A grown floating tensor's new rows [first_new, n) start at the
// mean of the old rows of their category (init_rows_from_category_mean; 1-D tensors as one column),
// other grown rows at zero. Throws kInternal when the names or shapes do not match.
void grow_tensors(const NamedTensors& old, const NamedTensors& now, int64_t first_new,
                  std::span<const uint32_t> item_category);

// Adam's state for the parameters `now`, with `old_adam`'s moments and steps in the leading rows
// and zero moments for new rows; empty when `old_adam` is (an artifact without optimiser state).
NamedTensors grow_adam_state(const NamedTensors& old_adam, const NamedTensors& now);

// The whole of a deep model's grow_items(): checks that `old_items` (0: nothing loaded) can grow
// to `num_items`, keeps the weights `named()`, calls `rebuild()` for the grown catalogue, grows
// the weights and `adam` (over the parameters `params()`) into it, and logs. Returns the grown
// Adam state.
NamedTensors grow_model(const std::string& model, uint32_t old_items, uint32_t num_items,
                        std::span<const uint32_t> item_category, const NamedTensors& adam,
                        const std::function<NamedTensors()>& named,
                        const std::function<NamedTensors()>& params,
                        const std::function<void()>& rebuild);

}  // namespace kairos
