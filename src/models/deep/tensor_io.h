// Named tensors to and from a file (LibTorch's archive format, model.pt), with every failure
// turned into a kairos::Error that names the file and the tensor.
#pragma once

#include <torch/torch.h>

#include <span>
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
// Same for tensors a file may lack (optimiser state, absent from artifacts written before it was
// saved): returns false, loading nothing, when any of them is missing.
bool load_tensors_if_present(const NamedTensors& into, const std::string& path);

// Warm start: copies `from` into the leading rows of the larger `to` (equal shapes: all of it).
void copy_leading_rows(const torch::Tensor& from, torch::Tensor& to);
// Sets rows [first, n) of `table` to the mean of its rows [1, first) of the same category
// (`category[i]`, 0 = unknown), or of all of them when the category has none.
void init_rows_from_category_mean(torch::Tensor& table, int64_t first,
                                  std::span<const uint32_t> category);

// Copies of tensors (the best epoch's weights) and their restoration in place.
std::vector<torch::Tensor> snapshot(const std::vector<torch::Tensor>& tensors);
void restore(const std::vector<torch::Tensor>& tensors, const std::vector<torch::Tensor>& saved);

}  // namespace kairos
