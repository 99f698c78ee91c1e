// One GRU or LSTM layer with explicit weights, split so that the input projection can come
// either from a dense matrix (embedding input) or straight from a per-item table (GRU4Rec's
// one-hot input, where projecting a one-hot vector is a row lookup).
//
// State layout: GRU [B, H]; LSTM [B, 2H] = (h, c). Gate order as torch.nn.GRUCell (r, z, n)
// and torch.nn.LSTMCell (i, f, g, o).
#pragma once

#include <torch/torch.h>

namespace kairos {

class RecurrentLayer {
 public:
  RecurrentLayer() = default;
  // input_size 0: no input matrix (projections supplied by the caller).
  RecurrentLayer(bool lstm, int64_t input_size, int64_t hidden);

  int64_t hidden() const { return hidden_; }
  int64_t gates() const { return lstm_ ? 4 : 3; }
  int64_t state_size() const { return lstm_ ? 2 * hidden_ : hidden_; }
  bool lstm() const { return lstm_; }

  // gates * hidden input pre-activations of x (requires an input matrix).
  torch::Tensor project(const torch::Tensor& x) const;
  // One step from input pre-activations `gi` [B, gates*H] and `state`; returns the new state.
  torch::Tensor step(const torch::Tensor& gi, const torch::Tensor& state) const;
  // The output (h) part of a state.
  torch::Tensor output(const torch::Tensor& state) const { return state.narrow(1, 0, hidden_); }
  // Replaces the output part of a state (dropout applied to h, as GRU4Rec keeps it).
  torch::Tensor with_output(const torch::Tensor& state, const torch::Tensor& h) const;

  torch::Tensor w_ih, w_hh, b_ih, b_hh;  // w_ih undefined when input_size == 0

 private:
  bool lstm_ = false;
  int64_t hidden_ = 0;
};

// GRU4Rec's initialisation: uniform in +-sqrt(6 / (rows + cols)) per gate block.
torch::Tensor glorot_uniform_gates(int64_t gates, int64_t hidden, int64_t cols);

}  // namespace kairos
