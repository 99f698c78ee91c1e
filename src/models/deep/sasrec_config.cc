#include "models/deep/sasrec_config.h"

#include "core/error.h"
#include "models/hparams.h"

namespace kairos {

SasRecConfig SasRecConfig::from_json(const nlohmann::json& j) {
  Hparams h(j, "sasrec");
  SasRecConfig c;
  c.hidden = h.get<int>("hidden", c.hidden);
  c.blocks = h.get<int>("blocks", c.blocks);
  c.heads = h.get<int>("heads", c.heads);
  c.max_len = h.get<int>("max_len", c.max_len);
  c.dropout = h.get<double>("dropout", c.dropout);
  c.loss = h.get<std::string>("loss", c.loss);
  c.n_sample = h.get<int>("n_sample", c.n_sample);
  c.sample_alpha = h.get<double>("sample_alpha", c.sample_alpha);
  c.in_batch_negatives = h.get<bool>("in_batch_negatives", c.in_batch_negatives);
  c.batch_size = h.get<int>("batch_size", c.batch_size);
  c.learning_rate = h.get<double>("learning_rate", c.learning_rate);
  c.weight_decay = h.get<double>("weight_decay", c.weight_decay);
  c.clip_norm = h.get<double>("clip_norm", c.clip_norm);
  c.temperature = h.get<double>("temperature", c.temperature);
  c.use_types = h.get<bool>("use_types", c.use_types);
  c.train = TrainConfig::read(h, 20);
  h.finish();
  KAIROS_CHECK_USAGE(c.hidden > 0 && c.blocks > 0 && c.heads > 0 && c.max_len > 0,
                     "sasrec: hidden, blocks, heads and max_len must be positive");
  KAIROS_CHECK_USAGE(c.hidden % c.heads == 0,
                     "sasrec: hidden ({}) must be a multiple of heads ({})", c.hidden, c.heads);
  KAIROS_CHECK_USAGE(c.loss == "full" || c.loss == "sampled",
                     "sasrec: loss must be full or sampled");
  KAIROS_CHECK_USAGE(c.loss == "full" || c.n_sample > 0, "sasrec: sampled loss needs n_sample > 0");
  KAIROS_CHECK_USAGE(c.dropout >= 0 && c.dropout < 1, "sasrec: dropout must be in [0, 1)");
  KAIROS_CHECK_USAGE(c.batch_size > 0, "sasrec: batch_size must be positive");
  KAIROS_CHECK_USAGE(c.learning_rate > 0, "sasrec: learning_rate must be positive");
  KAIROS_CHECK_USAGE(c.temperature >= 0, "sasrec: temperature must be >= 0 (0 = inner product)");
  return c;
}

nlohmann::json SasRecConfig::to_json() const {
  nlohmann::json j = {{"hidden", hidden},
                      {"blocks", blocks},
                      {"heads", heads},
                      {"max_len", max_len},
                      {"dropout", dropout},
                      {"loss", loss},
                      {"n_sample", n_sample},
                      {"sample_alpha", sample_alpha},
                      {"in_batch_negatives", in_batch_negatives},
                      {"batch_size", batch_size},
                      {"learning_rate", learning_rate},
                      {"weight_decay", weight_decay},
                      {"clip_norm", clip_norm},
                      {"temperature", temperature},
                      {"use_types", use_types}};
  j.update(train.to_json());
  return j;
}

}  // namespace kairos
