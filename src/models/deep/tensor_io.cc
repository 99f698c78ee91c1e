#include "models/deep/tensor_io.h"

#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>

#include "core/error.h"

namespace kairos {

NamedTensors named_tensors(const torch::nn::Module& module, bool buffers) {
  NamedTensors out;
  for (const auto& p : module.named_parameters()) out.emplace_back(p.key(), p.value());
  if (buffers) {
    for (const auto& b : module.named_buffers()) out.emplace_back(b.key(), b.value());
  }
  return out;
}

void save_tensors(const NamedTensors& tensors, const std::string& path) {
  const std::string tmp = path + ".tmp";
  try {
    torch::serialize::OutputArchive archive;
    for (const auto& [name, t] : tensors) archive.write(name, t.detach().cpu());
    archive.save_to(tmp);
  } catch (const c10::Error& e) {
    KAIROS_THROW(ErrorKind::kIo, "cannot write {}: {}", path, e.what_without_backtrace());
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  KAIROS_CHECK_IO(!ec, "cannot rename {} to {}: {}", tmp, path, ec.message());
}

namespace {

// Reads every tensor of `into` from `path` in one pass over the archive, then checks the shapes
// and copies. A missing tensor throws (required) or makes it return false having copied nothing.
bool read_tensors(const NamedTensors& into, const std::string& path, bool required) {
  KAIROS_CHECK_IO(std::filesystem::exists(path), "cannot open {}", path);
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path);
  } catch (const c10::Error& e) {
    KAIROS_THROW(ErrorKind::kInput, "{} is not a readable weights file: {}", path,
                 e.what_without_backtrace());
  }
  std::vector<torch::Tensor> read(into.size());
  for (size_t i = 0; i < into.size(); ++i) {
    if (archive.try_read(into[i].first, read[i])) continue;
    KAIROS_CHECK(!required, "{}: tensor '{}' is missing", path, into[i].first);
    return false;
  }
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < into.size(); ++i) {
    const auto& [name, target] = into[i];
    KAIROS_CHECK(read[i].sizes() == target.sizes(),
                 "{}: tensor '{}' has shape {}, the model expects {}", path, name,
                 fmt::format("{}", fmt::join(read[i].sizes(), "x")),
                 fmt::format("{}", fmt::join(target.sizes(), "x")));
    target.copy_(read[i]);
  }
  return true;
}

}  // namespace

void load_tensors(const NamedTensors& into, const std::string& path) {
  read_tensors(into, path, true);
}

bool load_tensors_if_present(const NamedTensors& into, const std::string& path) {
  return read_tensors(into, path, false);
}

void copy_leading_rows(const torch::Tensor& from, torch::Tensor& to) {
  torch::NoGradGuard no_grad;
  if (from.sizes() == to.sizes()) {
    to.copy_(from);
    return;
  }
  KAIROS_CHECK(from.dim() == to.dim() && from.size(0) <= to.size(0) &&
                   from.sizes().slice(1) == to.sizes().slice(1),
               "warm start: a tensor of shape {} cannot grow into {}",
               fmt::format("{}", fmt::join(from.sizes(), "x")),
               fmt::format("{}", fmt::join(to.sizes(), "x")));
  to.narrow(0, 0, from.size(0)).copy_(from);
}

void init_rows_from_category_mean(torch::Tensor& table, int64_t first,
                                  std::span<const uint32_t> category) {
  torch::NoGradGuard no_grad;
  const int64_t n = table.size(0);
  if (first >= n || first <= 1) return;
  KAIROS_CHECK(static_cast<int64_t>(category.size()) >= n,
               "warm start: {} item categories for {} rows", category.size(), n);
  uint32_t num_categories = 1;
  for (int64_t i = 0; i < n; ++i) num_categories = std::max(num_categories, category[i] + 1);
  const torch::Tensor old = table.narrow(0, 1, first - 1);
  std::vector<int64_t> old_cat(static_cast<size_t>(first - 1));
  for (int64_t i = 1; i < first; ++i) old_cat[i - 1] = category[i];
  const torch::Tensor index = torch::tensor(old_cat, torch::kLong).to(table.device());
  torch::Tensor sums = torch::zeros({num_categories, table.size(1)}, table.options());
  sums.index_add_(0, index, old);
  torch::Tensor counts = torch::zeros({num_categories}, table.options());
  counts.index_add_(0, index, torch::ones({first - 1}, table.options()));
  const torch::Tensor overall = old.mean(0);
  for (int64_t i = first; i < n; ++i) {
    const uint32_t c = category[i];
    if (c != 0 && counts[c].item<float>() > 0) {
      table[i].copy_(sums[c] / counts[c]);
    } else {
      table[i].copy_(overall);
    }
  }
}

std::vector<torch::Tensor> snapshot(const std::vector<torch::Tensor>& tensors) {
  std::vector<torch::Tensor> out;
  for (const auto& t : tensors) out.push_back(t.detach().clone());
  return out;
}

void restore(const std::vector<torch::Tensor>& tensors, const std::vector<torch::Tensor>& saved) {
  KAIROS_ASSERT(tensors.size() == saved.size());
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < tensors.size(); ++i) tensors[i].copy_(saved[i]);
}

}  // namespace kairos
