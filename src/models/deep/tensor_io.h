// Named tensors to and from a file (LibTorch's archive format, model.pt), with every failure
// turned into a kairos::Error that names the file and the tensor.
#pragma once

#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

namespace kairos {

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

// A module's parameters by name (and its buffers with `buffers`): what model.pt holds.
NamedTensors named_tensors(const torch::nn::Module& module, bool buffers = false);

// Atomic: writes a temporary file and renames it.
void save_tensors(const NamedTensors& tensors, const std::string& path);
// Reads each named tensor into the given (pre-shaped) tensor; a missing tensor or a shape
// mismatch throws kInput.
void load_tensors(const NamedTensors& into, const std::string& path);

// Copies of tensors (the best epoch's weights) and their restoration in place.
std::vector<torch::Tensor> snapshot(const std::vector<torch::Tensor>& tensors);
void restore(const std::vector<torch::Tensor>& tensors, const std::vector<torch::Tensor>& saved);

}  // namespace kairos
