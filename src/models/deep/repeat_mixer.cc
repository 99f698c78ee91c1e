#include "models/deep/repeat_mixer.h"

namespace kairos {

RepeatMixerImpl::RepeatMixerImpl(int64_t hidden)
    : mode(register_module("mode", torch::nn::Linear(hidden, 1))),
      w_event(register_module(
          "w_event", torch::nn::Linear(torch::nn::LinearOptions(hidden, hidden).bias(false)))),
      w_query(register_module("w_query", torch::nn::Linear(hidden, hidden))),
      v(register_module("v", torch::nn::Linear(torch::nn::LinearOptions(hidden, 1).bias(false)))) {}

RepeatParts RepeatMixerImpl::forward(const torch::Tensor& events, const torch::Tensor& mask,
                                     const torch::Tensor& query) {
  RepeatParts p;
  const torch::Tensor m = mode(query).squeeze(-1);  // [B]
  p.log_repeat = torch::log_sigmoid(m);
  p.log_explore = torch::log_sigmoid(-m);
  torch::Tensor e = v(torch::tanh(w_event(events) + w_query(query).unsqueeze(1))).squeeze(-1);
  e = e.masked_fill(mask == 0, -1e9);
  p.attention = torch::softmax(e, 1) * mask;  // [B, L]
  return p;
}

torch::Tensor repeat_mixed_log_prob(const RepeatParts& parts, const torch::Tensor& items,
                                    const torch::Tensor& targets,
                                    const torch::Tensor& explore_log_prob) {
  // P_repeat(target): the attention on the events whose item is the target (0 when none; the
  // clamp only keeps the log finite, its gradient is zero there).
  const torch::Tensor hit = (items == targets.unsqueeze(1)).to(parts.attention.dtype());
  const torch::Tensor p_repeat = (parts.attention * hit).sum(1).clamp_min(1e-30);
  return torch::logaddexp(parts.log_repeat + torch::log(p_repeat),
                          parts.log_explore + explore_log_prob);
}

torch::Tensor repeat_mixed_scores(const RepeatParts& parts, const torch::Tensor& items,
                                  const torch::Tensor& logits) {
  // In log space, so that unlikely items keep distinct scores (no floor to tie at); items outside
  // the session get log 0 = -inf on the repeat side.
  const torch::Tensor p_repeat = torch::zeros_like(logits).scatter_add_(1, items, parts.attention);
  return torch::logaddexp(torch::log_softmax(logits, 1) + parts.log_explore.unsqueeze(1),
                          torch::log(p_repeat) + parts.log_repeat.unsqueeze(1));
}

}  // namespace kairos
