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

// Sampled softmax with logQ correction, summed over rows: row i of the queries `q` [n, d] scores
// its positive (`pos_rows` [n, d], item `targets[i]`) against shared negatives (`neg_rows` [m, d],
// items `negatives` [m]); each logit is lowered by the log of its column's proposal weight
// (`pos_logq` [n], `neg_logq` [m]) and a negative that is the row's own target is masked out
// (an accidental hit).
torch::Tensor sampled_softmax_cross_entropy(const torch::Tensor& q, const torch::Tensor& pos_rows,
                                            const torch::Tensor& pos_logq,
                                            const torch::Tensor& neg_rows,
                                            const torch::Tensor& neg_logq,
                                            const torch::Tensor& targets,
                                            const torch::Tensor& negatives);

// The same sampled softmax's log-probability of each row's target [n]; its negative, summed, is
// sampled_softmax_cross_entropy. With pos_logq = 0 and neg_logq = log(m * q_j) (q: the proposal's
// normalised probabilities) it estimates the full log-softmax itself, Z ~ e^{s_t} + sum_j e^{s_j}
// / (m q_j): what a model mixing it with another distribution needs (models/deep/repeat_mixer.h).
torch::Tensor sampled_softmax_log_prob(const torch::Tensor& q, const torch::Tensor& pos_rows,
                                       const torch::Tensor& pos_logq, const torch::Tensor& neg_rows,
                                       const torch::Tensor& neg_logq, const torch::Tensor& targets,
                                       const torch::Tensor& negatives);

// Target columns 0..B-1 for the diagonal layout.
torch::Tensor diagonal_targets(int64_t rows, const torch::TensorOptions& options);

}  // namespace kairos
