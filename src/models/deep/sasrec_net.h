// SASRec's network: item + learned position (+ optional behaviour-type) embeddings, `blocks`
// pre-norm causal self-attention blocks (multi-head attention and a point-wise feed-forward, each
// with residual and dropout), a final layer norm; scores are dot products with the (shared) item
// embeddings. NextItNet's network is the same with dilated causal convolution blocks in place of
// the attention blocks and no position embeddings.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "models/deep/sequence_encoder.h"

namespace kairos {

struct SasRecBlockImpl : torch::nn::Module {
  SasRecBlockImpl(int64_t hidden, int64_t heads, double dropout);
  // x [B, L, H]; mask [L, L] additive causal mask; keep [B, L, 1] (0 at padding).
  // attention (optional out): [B, heads, L, L] weights.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask,
                        const torch::Tensor& keep, torch::Tensor* attention = nullptr);

  int64_t heads;
  double dropout;
  torch::nn::LayerNorm ln1{nullptr}, ln2{nullptr};
  torch::nn::Linear q{nullptr}, k{nullptr}, v{nullptr}, o{nullptr}, ff1{nullptr}, ff2{nullptr};
};
TORCH_MODULE(SasRecBlock);

// NextItNet's residual block (Yuan et al., WSDM 2019): causal convolution (dilation d) -> layer
// norm -> ReLU -> causal convolution (dilation 2d) -> layer norm -> ReLU, added to the input.
struct NextItNetBlockImpl : torch::nn::Module {
  NextItNetBlockImpl(int64_t hidden, int64_t kernel, int64_t dilation, double dropout);
  // x [B, L, H] (left-padded sequences); keep [B, L, 1].
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& keep);

  int64_t kernel, dilation;
  double dropout;
  torch::nn::Conv1d conv1{nullptr}, conv2{nullptr};
  torch::nn::LayerNorm ln1{nullptr}, ln2{nullptr};
};
TORCH_MODULE(NextItNetBlock);

struct SasRecNetImpl : SequenceEncoderImpl {
  // Self-attention blocks, or with `dilations` non-empty NextItNet's convolution blocks (no
  // position embeddings; `blocks` and `heads` unused).
  SasRecNetImpl(int64_t num_items, int64_t hidden, int64_t blocks, int64_t heads, int64_t max_len,
                double dropout, bool use_types = false, const std::vector<int>& dilations = {},
                int64_t kernel = 3);
  // seq [B, L] item indices, left-padded with 0 (L <= max_len); types [B, L] their EventTypes
  // (read only when the net was built with use_types). Returns [B, L, H].
  // attention (optional): per block [B, heads, L, L].
  torch::Tensor forward(const torch::Tensor& seq, const torch::Tensor& types,
                        std::vector<torch::Tensor>* attention = nullptr) override;

  int64_t hidden, max_len;
  double dropout;
  bool convolutional = false;
  torch::Tensor pos_emb;
  torch::Tensor type_emb;  // [kNumEventTypes, H], added to the input (use_types); else undefined
  torch::nn::ModuleList blocks;
  torch::nn::LayerNorm final_ln{nullptr};
};
TORCH_MODULE(SasRecNet);

}  // namespace kairos
