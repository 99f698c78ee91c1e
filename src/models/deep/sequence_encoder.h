// What SASRec's trainable (models/deep/sasrec.cc) drives: a network that maps left-padded item
// sequences to one hidden vector per position, scored against its own item table. SASRec's and
// NextItNet's network (sasrec_net.h) and BSARec's (bsarec_net.h) implement it.
#pragma once

#include <torch/torch.h>

#include <vector>

namespace kairos {

struct SequenceEncoderImpl : torch::nn::Module {
  // seq [B, L] item indices, left-padded with 0; types [B, L] their EventTypes (read only by
  // encoders built to use them). Returns [B, L, H]. attention (optional out): per attention
  // block [B, heads, L, L].
  virtual torch::Tensor forward(const torch::Tensor& seq, const torch::Tensor& types,
                                std::vector<torch::Tensor>* attention = nullptr) = 0;
  // [num_items, H]: the input embeddings and the output side of the scores; row 0 is padding.
  torch::Tensor item_emb;
};

}  // namespace kairos
