// Per-model hyperparameter files (configs/*.yaml): a YAML or JSON map (optionally under
// `models:`) from a label to a hyperparameter object. A label is a model name, or any name whose
// object says which model it configures with `model:` — so one file can hold, say, both
// GRU4Rec losses:  gru4rec_bprmax: {model: gru4rec, loss: bpr-max, ...}
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace kairos::cli {

// Empty path -> empty object. Throws kIo / kUsage.
nlohmann::json load_model_config(const std::string& path);

struct ModelSpec {
  std::string label;  // as given (table rows, artifact names)
  std::string model;  // factory name
  nlohmann::json hparams = nlohmann::json::object();
};
ModelSpec model_spec(const nlohmann::json& config, const std::string& label);

}  // namespace kairos::cli
