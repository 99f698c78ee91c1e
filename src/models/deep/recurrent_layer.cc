#include "models/deep/recurrent_layer.h"

#include <cmath>

namespace kairos {

torch::Tensor glorot_uniform_gates(int64_t gates, int64_t hidden, int64_t cols) {
  const double sigma = std::sqrt(6.0 / static_cast<double>(hidden + cols));
  return torch::empty({gates * hidden, cols}).uniform_(-sigma, sigma);
}

RecurrentLayer::RecurrentLayer(bool lstm, int64_t input_size, int64_t hidden)
    : lstm_(lstm), hidden_(hidden) {
  const int64_t g = gates();
  if (input_size > 0) w_ih = glorot_uniform_gates(g, hidden, input_size).requires_grad_();
  w_hh = glorot_uniform_gates(g, hidden, hidden).requires_grad_();
  b_ih = torch::zeros({g * hidden}).requires_grad_();
  b_hh = torch::zeros({g * hidden}).requires_grad_();
}

torch::Tensor RecurrentLayer::project(const torch::Tensor& x) const {
  return torch::addmm(b_ih, x, w_ih.t());
}

torch::Tensor RecurrentLayer::step(const torch::Tensor& gi, const torch::Tensor& state) const {
  const torch::Tensor h = state.narrow(1, 0, hidden_);
  const torch::Tensor gh = torch::addmm(b_hh, h, w_hh.t());
  if (!lstm_) {
    auto i = gi.chunk(3, 1);
    auto r = gh.chunk(3, 1);
    const torch::Tensor reset = torch::sigmoid(i[0] + r[0]);
    const torch::Tensor update = torch::sigmoid(i[1] + r[1]);
    const torch::Tensor cand = torch::tanh(i[2] + reset * r[2]);
    return cand + update * (h - cand);
  }
  const torch::Tensor c = state.narrow(1, hidden_, hidden_);
  auto g = (gi + gh).chunk(4, 1);
  const torch::Tensor c2 = torch::sigmoid(g[1]) * c + torch::sigmoid(g[0]) * torch::tanh(g[2]);
  const torch::Tensor h2 = torch::sigmoid(g[3]) * torch::tanh(c2);
  return torch::cat({h2, c2}, 1);
}

torch::Tensor RecurrentLayer::with_output(const torch::Tensor& state,
                                          const torch::Tensor& h) const {
  if (!lstm_) return h;
  return torch::cat({h, state.narrow(1, hidden_, hidden_)}, 1);
}

}  // namespace kairos
