// GRU4Rec's hyperparameters, named as in the official implementation (Hidasi & Czapp, RecSys
// 2023). Defaults = its published cross-entropy best parameters for Diginetica
// (diginetica_xe_shared_best); configs/*.yaml hold the other published sets.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "models/deep/train_config.h"

namespace kairos {

struct Gru4RecConfig {
  std::string cell = "gru";            // gru | lstm (the LSTM variant of the family)
  std::vector<int> layers = {192};     // hidden units per recurrent layer
  int embedding = 0;                   // input embedding size (0: one-hot input)
  bool constrained_embedding = true;   // input embedding = output weights (tied)
  std::string loss = "cross-entropy";  // cross-entropy | bpr-max
  double elu_param = 0;                // bpr-max final activation ELU(alpha); 0 = linear
  int batch_size = 128;
  double dropout_p_embed = 0.45;
  double dropout_p_hidden = 0.15;
  double learning_rate = 0.1;
  double momentum = 0.0;
  int n_sample = 2048;        // extra negatives shared by the mini-batch
  double sample_alpha = 0.0;  // negatives ~ popularity^alpha
  double bpreg = 0.0;         // BPR-max score regularisation
  double logq = 1.0;          // logQ correction weight (cross-entropy)
  bool shuffle = false;       // session order per epoch (official: data order)
  bool fused_loss = true;     // XE gradient written out (false: autograd, same maths)
  TrainConfig train{};        // the shared training keys, saved in the same flat object

  NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(Gru4RecConfig, cell, layers, embedding,
                                              constrained_embedding, loss, elu_param, batch_size,
                                              dropout_p_embed, dropout_p_hidden, learning_rate,
                                              momentum, n_sample, sample_alpha, bpreg, logq,
                                              shuffle, fused_loss)
  void check(const std::string& model) const;  // throws kUsage

  static Gru4RecConfig from_json(const nlohmann::json& j);  // throws kUsage
  nlohmann::json to_json() const;                           // model and training keys
};

}  // namespace kairos
