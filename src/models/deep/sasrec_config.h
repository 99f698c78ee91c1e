// SASRec's hyperparameters (Kang & McAuley, ICDM 2018), with full-softmax cross-entropy by
// default (Klenitskiy & Vasilev, RecSys 2023) and a sampled-softmax option for large catalogues.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "models/deep/train_config.h"

namespace kairos {

// NextItNet's encoder (Yuan et al., WSDM 2019), read only for `nextitnet`: one residual block per
// entry of `dilations`, each two causal convolutions of width `kernel` with dilations d and 2d.
struct ConvEncoderConfig {
  std::vector<int> dilations{1, 2, 4, 8};
  int kernel = 3;
  NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(ConvEncoderConfig, dilations, kernel)
  void check(const std::string& model) const;  // throws kUsage
};

// BSARec's filter (Shin et al., AAAI 2024), read only for `bsarec`: each block is `alpha` times
// the frequency filter (the lowest c/2 + 1 frequencies kept, the rest weighted by a learnt beta^2)
// plus (1 - alpha) times self-attention. The paper's Beauty values are the defaults.
struct FilterConfig {
  double alpha = 0.7;
  int c = 5;
  NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(FilterConfig, alpha, c)
  void check(const std::string& model) const;  // throws kUsage
};

// The three networks SasRecConfig drives (not a key: the model's name says which).
enum class SasRecEncoder {
  kAttention,    // sasrec: causal self-attention blocks (sasrec_net.h)
  kConvolution,  // nextitnet: dilated causal convolutions (sasrec_net.h)
  kFilter,       // bsarec: attention blended with a frequency filter (bsarec_net.h)
};

// `sasrec`, `nextitnet` and `bsarec` share everything but the encoder: self-attention blocks
// (`blocks`, `heads`), NextItNet's dilated causal convolutions (`conv`, which has no positions
// and no heads) or BSARec's blocks (`blocks`, `heads` and `filter`).
struct SasRecConfig {
  int hidden = 64;
  int blocks = 2;
  int heads = 1;
  int max_len = 50;
  double dropout = 0.2;
  std::string loss = "full";        // full | sampled
  int n_sample = 2048;              // sampled: shared negatives per batch
  double sample_alpha = 0.0;        // sampled: negatives ~ popularity^alpha (logQ corrected)
  bool in_batch_negatives = false;  // sampled: the batch's own targets are negatives too
  int batch_size = 128;
  double learning_rate = 1e-3;
  double weight_decay = 0.0;
  double clip_norm = 5.0;  // gradient clipping (0 = off)
  // > 0: scores are cosine(session, item) / temperature (normalised embeddings, as in CORE, Hou et
  // al. SIGIR 2022); 0: the paper's inner product.
  double temperature = 0.0;
  // Behaviour types (view, cart, fav, buy) as inputs: a type embedding added to each event's item
  // and position embeddings.
  bool use_types = false;
  // Which positions train: "all" (every prefix of a sequence at once, one pass: causal encoders
  // only) or "last" (each prefix a sample of its own, its last position the only target, padded
  // to the right end; BSARec's training, and the only one a non-causal encoder allows).
  std::string targets = "all";
  TrainConfig train{};  // the shared training keys, saved in the same flat object
  SasRecEncoder encoder = SasRecEncoder::kAttention;
  ConvEncoderConfig conv{};  // nextitnet's keys, saved in the same flat object
  FilterConfig filter{};     // bsarec's keys, likewise

  NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(SasRecConfig, hidden, blocks, heads, max_len, dropout,
                                              loss, n_sample, sample_alpha, in_batch_negatives,
                                              batch_size, learning_rate, weight_decay, clip_norm,
                                              temperature, use_types, targets)
  void check(const std::string& model) const;  // throws kUsage

  // kConvolution: NextItNet's keys instead of blocks and heads; kFilter: BSARec's keys as well,
  // and `targets` "last" (the default there). Throws kUsage.
  static SasRecConfig from_json(const nlohmann::json& j,
                                SasRecEncoder encoder = SasRecEncoder::kAttention);
  // The model's name: sasrec, nextitnet or bsarec.
  std::string model_name() const;
  nlohmann::json to_json() const;  // model and training keys
};

}  // namespace kairos
