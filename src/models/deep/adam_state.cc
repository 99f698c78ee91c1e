#include "models/deep/adam_state.h"

#include <map>

namespace kairos {
namespace {

std::string key_of(const torch::Tensor& p) { return c10::guts::to_string(p.unsafeGetTensorImpl()); }

}  // namespace

NamedTensors adam_state(const torch::optim::Adam& opt, const NamedTensors& params) {
  NamedTensors out;
  const auto& state = opt.state();
  for (const auto& [name, p] : params) {
    const auto it = state.find(key_of(p));
    if (it == state.end()) continue;
    const auto& s = static_cast<const torch::optim::AdamParamState&>(*it->second);
    out.emplace_back("opt." + name + ".exp_avg", s.exp_avg().clone());
    out.emplace_back("opt." + name + ".exp_avg_sq", s.exp_avg_sq().clone());
    out.emplace_back("opt." + name + ".step", torch::tensor({s.step()}, torch::kLong));
  }
  return out;
}

NamedTensors empty_adam_state(const NamedTensors& params) {
  NamedTensors out;
  for (const auto& [name, p] : params) {
    out.emplace_back("opt." + name + ".exp_avg", torch::zeros_like(p));
    out.emplace_back("opt." + name + ".exp_avg_sq", torch::zeros_like(p));
    out.emplace_back("opt." + name + ".step", torch::zeros({1}, torch::kLong));
  }
  return out;
}

void set_adam_state(torch::optim::Adam& opt, const NamedTensors& params,
                    const NamedTensors& state) {
  std::map<std::string, torch::Tensor> by_name(state.begin(), state.end());
  for (const auto& [name, p] : params) {
    const auto m = by_name.find("opt." + name + ".exp_avg");
    const auto v = by_name.find("opt." + name + ".exp_avg_sq");
    const auto st = by_name.find("opt." + name + ".step");
    if (m == by_name.end() || v == by_name.end() || st == by_name.end()) continue;
    auto s = std::make_unique<torch::optim::AdamParamState>();
    s->step(st->second.item<int64_t>());
    s->exp_avg(m->second.clone().to(p.device()));
    s->exp_avg_sq(v->second.clone().to(p.device()));
    opt.state()[key_of(p)] = std::move(s);
  }
}

void set_adam_lr(torch::optim::Adam& opt, double lr) {
  for (auto& g : opt.param_groups()) static_cast<torch::optim::AdamOptions&>(g.options()).lr(lr);
}

}  // namespace kairos
