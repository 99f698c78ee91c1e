#include "models/deep/losses.h"

namespace kairos {

torch::Tensor diagonal_targets(int64_t rows, const torch::TensorOptions& options) {
  return torch::arange(rows, options.dtype(torch::kLong));
}

torch::Tensor softmax_cross_entropy(const torch::Tensor& scores, const torch::Tensor& target) {
  const torch::Tensor logp = torch::log_softmax(scores, 1);
  return -logp.gather(1, target.unsqueeze(1)).sum();
}

torch::Tensor sampled_softmax_log_prob(const torch::Tensor& q, const torch::Tensor& pos_rows,
                                       const torch::Tensor& pos_logq, const torch::Tensor& neg_rows,
                                       const torch::Tensor& neg_logq, const torch::Tensor& targets,
                                       const torch::Tensor& negatives) {
  const torch::Tensor pos = (q * pos_rows).sum(1, true) - pos_logq.unsqueeze(1);
  torch::Tensor negs = torch::mm(q, neg_rows.t()) - neg_logq.unsqueeze(0);
  negs = negs.masked_fill(targets.unsqueeze(1) == negatives.unsqueeze(0), -1e9);
  return torch::log_softmax(torch::cat({pos, negs}, 1), 1).select(1, 0);
}

torch::Tensor sampled_softmax_cross_entropy(const torch::Tensor& q, const torch::Tensor& pos_rows,
                                            const torch::Tensor& pos_logq,
                                            const torch::Tensor& neg_rows,
                                            const torch::Tensor& neg_logq,
                                            const torch::Tensor& targets,
                                            const torch::Tensor& negatives) {
  return -sampled_softmax_log_prob(q, pos_rows, pos_logq, neg_rows, neg_logq, targets, negatives)
              .sum();
}

torch::Tensor bpr_max(const torch::Tensor& scores, const torch::Tensor& target, double bpreg) {
  // Negatives' softmax: the target column is excluded (its weight set to exactly zero).
  const torch::Tensor is_target = torch::zeros_like(scores, scores.options().dtype(torch::kBool))
                                      .scatter_(1, target.unsqueeze(1), true);
  const torch::Tensor masked =
      scores.masked_fill(is_target, -std::numeric_limits<float>::infinity());
  const torch::Tensor s = torch::softmax(masked, 1);
  const torch::Tensor pos = scores.gather(1, target.unsqueeze(1));
  const torch::Tensor rank_term = (torch::sigmoid(pos - scores) * s).sum(1);
  const torch::Tensor reg = (s * scores.pow(2)).sum(1);
  return (-torch::log(rank_term + 1e-24) + bpreg * reg).sum();
}

}  // namespace kairos
