// One GRU layer's training step with its backward pass written out, for GRU4Rec's one-step
// truncated back-propagation (the previous state is a constant, so nothing flows past it).
// Autograd records some thirty nodes for a GRU step and replays them one by one on a single
// thread; here the forward is two products and a few fused element-wise ops per part of the
// batch, the backward three products, and the parts (rows of the batch, then rows of the weight
// gradients) run on `threads` threads, each product single-threaded. Same equations as
// RecurrentLayer::step (torch.nn.GRUCell's r, z, n); equal to autograd in
// Gru4Rec.HandWrittenGruStepEqualsAutograd. Tensor ops only: runs on any device.
#pragma once

#include <torch/torch.h>

#include "core/rng.h"
#include "models/deep/recurrent_layer.h"

namespace kairos {

class GruLayerStep {
 public:
  // Forward over a batch. `x` the layer input [B, in], or with `projected` the input
  // pre-activations [B, 3H] without b_ih (GRU4Rec's one-hot input: rows of a table); `h_prev`
  // [B, H]; `noise` dropout multipliers for the output [B, H] or undefined. Returns the output
  // (dropout applied), which GRU4Rec also carries as the next state.
  torch::Tensor forward(const RecurrentLayer& layer, const torch::Tensor& x, bool projected,
                        const torch::Tensor& h_prev, const torch::Tensor& noise, int threads);
  // Backward from dL/d(output) [B, H]: assigns the layer's w_ih (unless projected), w_hh, b_ih
  // and b_hh .grad() and returns dL/dx ([B, in], or [B, 3H] when projected).
  torch::Tensor backward(RecurrentLayer& layer, const torch::Tensor& grad_out, int threads);

 private:
  bool projected_ = false;
  // Saved by forward(): the input, the previous state, the gates and W_hn h + b_hn.
  torch::Tensor x_, h_prev_, noise_, r_, z_, n_, gh_n_;
};

// Dropout multipliers: Bernoulli(1 - p) / (1 - p), from `rng` (16 bits per element, four
// elements per draw: the keep probability is rounded to a multiple of 1/65536). LibTorch 1.13's
// CPU bernoulli_ (this build has no MKL) draws a 64-bit number per element from its generator,
// serially: ~2.8 s of a Diginetica epoch per [128 x 192] mask.
torch::Tensor dropout_noise(torch::IntArrayRef shape, double p, Rng& rng,
                            const torch::TensorOptions& opts);

}  // namespace kairos
