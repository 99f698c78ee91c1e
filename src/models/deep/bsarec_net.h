// BSARec's network (Shin et al., AAAI 2024, "beyond self-attention"): SASRec's causal attention
// blended with a fixed frequency filter that adds the inductive bias attention lacks. Each block:
//
//   filter    = LN(x + dropout(low(x) + beta^2 * (x - low(x))))   low: the lowest c/2 + 1
//                                                                 frequencies over the sequence
//   attention = LN(x + dropout(MultiHead(x)))                     causal, padding keys masked
//   y         = alpha * filter + (1 - alpha) * attention
//   out       = LN(y + dropout(W2 gelu(W1 y)))                    W1: H -> 4H
//
// as in the paper's code: post-norm blocks, the input LN(item + position) then dropout, weights
// drawn from N(0, 0.02), scores the dot products with the item table. The filter mixes every
// position with every other (a circular low-pass over the max_len window), so a position's output
// sees later positions: the network is trained and served on the last position only, never on
// every position at once (SasRecConfig::targets "last").
//
// One difference from the paper's code: padding positions are zero (not their position embedding)
// at every block's input, so the representation does not depend on what padding learnt. It also
// makes the padding length immaterial: with zero rows there, a window of the last n positions with
// the n x n corner of the max_len filter gives what the full max_len window gives (the test
// BsaRecNet.ATrimmedWindowEqualsTheFullOne), so batches and served sessions are only as long as
// their longest sequence.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "models/deep/sequence_encoder.h"

namespace kairos {

// The real [length, length] matrix of BSARec's low-pass: keeps the frequencies 0 .. c/2 of a
// length-`length` sequence's real Fourier transform (at most length/2 + 1 of them) and drops the
// rest, so low_pass_matrix(L, c).matmul(x) over the sequence dimension equals
// irfft(rfft(x) with frequencies > c/2 zeroed). A symmetric projection.
torch::Tensor low_pass_matrix(int64_t length, int64_t c);

struct BsaRecBlockImpl : torch::nn::Module {
  BsaRecBlockImpl(int64_t hidden, int64_t heads, double dropout, double alpha);
  // x [B, L, H]; low [L, L] (low_pass_matrix); mask [B, 1, L, L] additive (causal and padding
  // keys); keep [B, L, 1] (0 at padding). attention (optional out): [B, heads, L, L].
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& low, const torch::Tensor& mask,
                        const torch::Tensor& keep, torch::Tensor* attention = nullptr);

  int64_t heads;
  double dropout, alpha;
  torch::Tensor sqrt_beta;  // [H]: the high frequencies' learnt weight is its square
  torch::nn::Linear q{nullptr}, k{nullptr}, v{nullptr}, o{nullptr}, ff1{nullptr}, ff2{nullptr};
  torch::nn::LayerNorm ln_filter{nullptr}, ln_attention{nullptr}, ln_ff{nullptr};
};
TORCH_MODULE(BsaRecBlock);

struct BsaRecNetImpl : SequenceEncoderImpl {
  BsaRecNetImpl(int64_t num_items, int64_t hidden, int64_t blocks, int64_t heads, int64_t max_len,
                double dropout, double alpha, int64_t c);
  // seq [B, L], L <= max_len, left-padded: the last L positions of the max_len window (types
  // unused). Returns [B, L, H].
  torch::Tensor forward(const torch::Tensor& seq, const torch::Tensor& types,
                        std::vector<torch::Tensor>* attention = nullptr) override;

  int64_t hidden, max_len;
  double dropout;
  torch::Tensor pos_emb;
  torch::Tensor low;  // buffer: low_pass_matrix(max_len, c), rebuilt from the config, not saved
  torch::nn::LayerNorm input_ln{nullptr};
  torch::nn::ModuleList blocks;
};
TORCH_MODULE(BsaRecNet);

}  // namespace kairos
