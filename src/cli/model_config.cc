#include "cli/model_config.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "core/error.h"

namespace kairos::cli {
namespace {

nlohmann::json yaml_to_json(const YAML::Node& n) {
  if (n.IsMap()) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& kv : n) j[kv.first.as<std::string>()] = yaml_to_json(kv.second);
    return j;
  }
  if (n.IsSequence()) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& v : n) j.push_back(yaml_to_json(v));
    return j;
  }
  if (n.IsNull()) return nullptr;
  const std::string s = n.as<std::string>();
  if (s == "true" || s == "false") return s == "true";
  try {
    size_t used = 0;
    const long long i = std::stoll(s, &used);
    if (used == s.size()) return i;
    const double d = std::stod(s, &used);
    if (used == s.size()) return d;
  } catch (const std::exception&) {
  }
  return s;
}

}  // namespace

nlohmann::json load_model_config(const std::string& path) {
  if (path.empty()) return nlohmann::json::object();
  KAIROS_CHECK_IO(std::filesystem::exists(path), "cannot open {}", path);
  nlohmann::json j;
  try {
    j = yaml_to_json(YAML::LoadFile(path));  // YAML is a superset of JSON
  } catch (const YAML::Exception& e) {
    KAIROS_THROW(ErrorKind::kUsage, "{}: {}", path, e.what());
  }
  if (j.is_object() && j.contains("models")) j = j["models"];
  KAIROS_CHECK_USAGE(j.is_object(), "{}: expected a map of model name -> hyperparameters", path);
  return j;
}

ModelSpec model_spec(const nlohmann::json& config, const std::string& label) {
  ModelSpec s;
  s.label = label;
  s.model = label;
  if (config.contains(label)) {
    s.hparams = config[label];
    KAIROS_CHECK_USAGE(s.hparams.is_object() || s.hparams.is_null(),
                       "model config '{}': expected a map of hyperparameters", label);
    if (s.hparams.is_null()) s.hparams = nlohmann::json::object();
    if (s.hparams.contains("model")) {
      KAIROS_CHECK_USAGE(s.hparams["model"].is_string(), "model config '{}': model must be a name",
                         label);
      s.model = s.hparams["model"].get<std::string>();
      s.hparams.erase("model");
    }
  }
  return s;
}

}  // namespace kairos::cli
