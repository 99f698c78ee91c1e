// Adam's per-parameter state (step, first and second moments) as named tensors, so that it can
// be saved in model.pt beside the weights and handed to a new optimiser: a warm start resumes
// the optimiser where the last training left it (docs/ONLINE.md).
#pragma once

#include <torch/torch.h>

#include "models/deep/tensor_io.h"

namespace kairos {

// "opt.<name>.exp_avg", "opt.<name>.exp_avg_sq", "opt.<name>.step" (one int64) for every
// parameter of `params` the optimiser has state for; copies.
NamedTensors adam_state(const torch::optim::Adam& opt, const NamedTensors& params);
// Zero-filled tensors of the shapes adam_state() gives for `params` (what load_tensors fills).
NamedTensors empty_adam_state(const NamedTensors& params);
// Installs `state` (from adam_state or a file) into `opt` for `params`; parameters without an
// entry start fresh.
void set_adam_state(torch::optim::Adam& opt, const NamedTensors& params, const NamedTensors& state);

// Sets every parameter group's learning rate (the per-epoch schedule).
void set_adam_lr(torch::optim::Adam& opt, double lr);

}  // namespace kairos
