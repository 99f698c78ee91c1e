#include "models/deep/gru4rec_config.h"

#include "core/error.h"

namespace kairos {

void Gru4RecConfig::check(const std::string& model) const {
  KAIROS_CHECK_USAGE(cell == "gru" || cell == "lstm", "{}: cell must be gru or lstm", model);
  KAIROS_CHECK_USAGE(loss == "cross-entropy" || loss == "bpr-max",
                     "{}: loss must be cross-entropy or bpr-max", model);
  KAIROS_CHECK_USAGE(!layers.empty(), "{}: layers must list at least one size", model);
  for (int l : layers) KAIROS_CHECK_USAGE(l > 0, "{}: layer sizes must be positive", model);
  KAIROS_CHECK_USAGE(embedding >= 0, "{}: embedding must be >= 0", model);
  KAIROS_CHECK_USAGE(batch_size > 0, "{}: batch_size must be positive", model);
  KAIROS_CHECK_USAGE(n_sample >= 0, "{}: n_sample must be >= 0", model);
  for (double p : {dropout_p_embed, dropout_p_hidden}) {
    KAIROS_CHECK_USAGE(p >= 0 && p < 1, "{}: dropout must be in [0, 1)", model);
  }
  KAIROS_CHECK_USAGE(learning_rate > 0, "{}: learning_rate must be positive", model);
}

Gru4RecConfig Gru4RecConfig::from_json(const nlohmann::json& j) {
  ConfigReader r(j, "gru4rec");
  Gru4RecConfig c;
  r.read(c);
  c.train = TrainConfig::read(r, 10);
  r.finish();
  return c;
}

nlohmann::json Gru4RecConfig::to_json() const {
  nlohmann::json j = *this;
  j.update(nlohmann::json(train));
  return j;
}

}  // namespace kairos
