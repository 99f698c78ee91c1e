#include "models/deep/tensor_io.h"

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

void load_tensors(const NamedTensors& into, const std::string& path) {
  KAIROS_CHECK_IO(std::filesystem::exists(path), "cannot open {}", path);
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path);
  } catch (const c10::Error& e) {
    KAIROS_THROW(ErrorKind::kInput, "{} is not a readable weights file: {}", path,
                 e.what_without_backtrace());
  }
  torch::NoGradGuard no_grad;
  for (const auto& [name, target] : into) {
    torch::Tensor t;
    try {
      archive.read(name, t);
    } catch (const c10::Error&) {
      KAIROS_THROW(ErrorKind::kInput, "{}: tensor '{}' is missing", path, name);
    }
    KAIROS_CHECK(t.sizes() == target.sizes(), "{}: tensor '{}' has shape {}, the model expects {}",
                 path, name, fmt::format("{}", fmt::join(t.sizes(), "x")),
                 fmt::format("{}", fmt::join(target.sizes(), "x")));
    target.copy_(t);
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
