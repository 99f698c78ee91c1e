#include "models/deep/gru4rec_config.h"

#include "core/error.h"
#include "models/hparams.h"

namespace kairos {

Gru4RecConfig Gru4RecConfig::from_json(const nlohmann::json& j) {
  Hparams h(j, "gru4rec");
  Gru4RecConfig c;
  c.cell = h.get<std::string>("cell", c.cell);
  c.layers = h.get<std::vector<int>>("layers", c.layers);
  c.embedding = h.get<int>("embedding", c.embedding);
  c.constrained_embedding = h.get<bool>("constrained_embedding", c.constrained_embedding);
  c.loss = h.get<std::string>("loss", c.loss);
  c.elu_param = h.get<double>("elu_param", c.elu_param);
  c.batch_size = h.get<int>("batch_size", c.batch_size);
  c.dropout_p_embed = h.get<double>("dropout_p_embed", c.dropout_p_embed);
  c.dropout_p_hidden = h.get<double>("dropout_p_hidden", c.dropout_p_hidden);
  c.learning_rate = h.get<double>("learning_rate", c.learning_rate);
  c.momentum = h.get<double>("momentum", c.momentum);
  c.n_sample = h.get<int>("n_sample", c.n_sample);
  c.sample_alpha = h.get<double>("sample_alpha", c.sample_alpha);
  c.bpreg = h.get<double>("bpreg", c.bpreg);
  c.logq = h.get<double>("logq", c.logq);
  c.shuffle = h.get<bool>("shuffle", c.shuffle);
  c.fused_loss = h.get<bool>("fused_loss", c.fused_loss);
  c.train = TrainConfig::read(h, 10);
  h.finish();
  KAIROS_CHECK_USAGE(c.cell == "gru" || c.cell == "lstm", "gru4rec: cell must be gru or lstm");
  KAIROS_CHECK_USAGE(c.loss == "cross-entropy" || c.loss == "bpr-max",
                     "gru4rec: loss must be cross-entropy or bpr-max");
  KAIROS_CHECK_USAGE(!c.layers.empty(), "gru4rec: layers must list at least one size");
  for (int l : c.layers) KAIROS_CHECK_USAGE(l > 0, "gru4rec: layer sizes must be positive");
  KAIROS_CHECK_USAGE(c.embedding >= 0, "gru4rec: embedding must be >= 0");
  KAIROS_CHECK_USAGE(c.batch_size > 0, "gru4rec: batch_size must be positive");
  KAIROS_CHECK_USAGE(c.n_sample >= 0, "gru4rec: n_sample must be >= 0");
  for (double p : {c.dropout_p_embed, c.dropout_p_hidden}) {
    KAIROS_CHECK_USAGE(p >= 0 && p < 1, "gru4rec: dropout must be in [0, 1)");
  }
  KAIROS_CHECK_USAGE(c.learning_rate > 0, "gru4rec: learning_rate must be positive");
  return c;
}

nlohmann::json Gru4RecConfig::to_json() const {
  nlohmann::json j = {{"cell", cell},
                      {"layers", layers},
                      {"embedding", embedding},
                      {"constrained_embedding", constrained_embedding},
                      {"loss", loss},
                      {"elu_param", elu_param},
                      {"batch_size", batch_size},
                      {"dropout_p_embed", dropout_p_embed},
                      {"dropout_p_hidden", dropout_p_hidden},
                      {"learning_rate", learning_rate},
                      {"momentum", momentum},
                      {"n_sample", n_sample},
                      {"sample_alpha", sample_alpha},
                      {"bpreg", bpreg},
                      {"logq", logq},
                      {"shuffle", shuffle},
                      {"fused_loss", fused_loss}};
  j.update(train.to_json());
  return j;
}

}  // namespace kairos
