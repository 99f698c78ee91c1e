// The losses of the deep models, on a score matrix R [B, C] whose row i has its target in column
// `target[i]` (GRU4Rec: column i, the mini-batch items first, then the shared extra negatives).
// Both are summed over rows, as in the official GRU4Rec.
#pragma once

#include <torch/torch.h>

namespace kairos {

// Cross-entropy of a softmax over each row's columns.
torch::Tensor softmax_cross_entropy(const torch::Tensor& scores, const torch::Tensor& target);

// BPR-max (Hidasi & Karatzoglou, CIKM 2018): -log sum_j s_j sigmoid(r_t - r_j) + bpreg sum_j s_j
// r_j^2, with s = softmax over the row's negatives (every column but the target).
torch::Tensor bpr_max(const torch::Tensor& scores, const torch::Tensor& target, double bpreg);

// Target columns 0..B-1 for the diagonal layout.
torch::Tensor diagonal_targets(int64_t rows, const torch::TensorOptions& options);

}  // namespace kairos
