// Repeat-aware scoring as RepeatNet mixes it (Ren et al., AAAI 2019, "RepeatNet: A Repeat Aware
// Neural Recommendation Machine for Session-based Recommendation"): the next item is either a
// re-visit of one of the session's events (repeat mode) or an item from the whole catalogue
// (explore mode),
//   P(i) = p_r * P_repeat(i) + (1 - p_r) * P_explore(i),
// with p_r = sigmoid(w . q + b) from the session vector q, P_repeat(i) the attention mass
// softmax_j(v . tanh(W_e e_j + W_q q)) over the session's events j whose item is i, and P_explore
// the encoding model's softmax over the catalogue. Differences from the paper, deliberate: the
// explore softmax is not masked to items outside the session (the encoder's scores keep what they
// know about repeats and the sampled softmax needs no mask), and the mode and repeat decoders read
// the encoder's session vector rather than their own attention contexts.
#pragma once

#include <torch/torch.h>

namespace kairos {

// The repeat side of the mixture for a batch: log p_r [B], log (1 - p_r) [B], and the repeat
// attention over event positions [B, L] (zero at padding).
struct RepeatParts {
  torch::Tensor log_repeat, log_explore, attention;
};

struct RepeatMixerImpl : torch::nn::Module {
  explicit RepeatMixerImpl(int64_t hidden);
  // `events` [B, L, d] the encoder's per-event vectors, `mask` [B, L] (1 = event), `query` [B, d].
  RepeatParts forward(const torch::Tensor& events, const torch::Tensor& mask,
                      const torch::Tensor& query);

  torch::nn::Linear mode{nullptr}, w_event{nullptr}, w_query{nullptr}, v{nullptr};
};
TORCH_MODULE(RepeatMixer);

// log P(target) under the mixture, per row [B]: `items` [B, L] the item of each event position,
// `explore_log_prob` [B] the explore distribution's log-probability of each row's target: the
// full log-softmax, or an unbiased-normaliser estimate of it (not a logQ-corrected sampled
// softmax, whose offset of about log(catalogue / samples) would tilt the mixture to explore).
torch::Tensor repeat_mixed_log_prob(const RepeatParts& parts, const torch::Tensor& items,
                                    const torch::Tensor& targets,
                                    const torch::Tensor& explore_log_prob);

// The mixture's log-probability of every item [B, I] from the explore logits [B, I].
torch::Tensor repeat_mixed_scores(const RepeatParts& parts, const torch::Tensor& items,
                                  const torch::Tensor& logits);

}  // namespace kairos
