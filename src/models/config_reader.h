// Reading a model's saved configuration from its flat JSON hyperparameters. Each config struct
// declares its fields once, with nlohmann's NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT (the JSON
// key is the field's name, a missing key keeps the default) and checks itself in check(model);
// ConfigReader gives every struct the keys it declares, reports a wrong type by key, and after
// finish() refuses any key no struct declared (a typo must not silently run the default).
//
//   Gru4RecConfig c;           // defaults
//   ConfigReader r(hparams, "gru4rec");
//   r.alias("epochs", "n_epochs");
//   r.read(c.net);             // the model's own fields
//   r.read(c.train);           // the shared training fields (models/train_config.h)
//   r.finish();
//
// Run options (threads, log path; models/run_options.h) are not configuration: they change how a
// run goes, not what it learns, and are never saved with a model.
#pragma once

#include <nlohmann/json.hpp>

#include <set>
#include <string>
#include <string_view>

#include "core/error.h"

namespace kairos {

class ConfigReader {
 public:
  ConfigReader(const nlohmann::json& j, std::string model) : j_(j), model_(std::move(model)) {
    KAIROS_CHECK_USAGE(j_.is_object() || j_.is_null(), "{}: hyperparameters must be an object",
                       model_);
    if (j_.is_null()) j_ = nlohmann::json::object();
  }

  // `old_name` is accepted for `name` (both given: an error).
  void alias(const std::string& old_name, const std::string& name) {
    if (!j_.contains(old_name)) return;
    KAIROS_CHECK_USAGE(!j_.contains(name), "{}: give {} or {}, not both", model_, old_name, name);
    j_[name] = j_[old_name];
    j_.erase(old_name);
  }

  // Fills `c` (a struct with to_json/from_json, e.g. from the WITH_DEFAULT macro) from the keys
  // it declares, keeping its current values where a key is absent or null; then c.check(model).
  template <typename T>
  void read(T& c) {
    nlohmann::json fields = c;  // its current values, and so its keys
    for (auto& [key, value] : fields.items()) {
      used_.insert(key);
      if (!j_.contains(key) || j_[key].is_null()) continue;
      nlohmann::json one = fields;
      one[key] = j_[key];
      try {
        T probe = one.get<T>();
        (void)probe;
      } catch (const nlohmann::json::exception&) {
        KAIROS_THROW(ErrorKind::kUsage,
                     "{}: hyperparameter '{}' has the wrong type ({}; default {})", model_, key,
                     j_[key].dump(), value.dump());
      }
      value = j_[key];
    }
    fields.get_to(c);  // only the declared fields: others (e.g. a nested config) are kept
    if constexpr (requires { c.check(model_); }) c.check(model_);
  }

  // One key read by hand, typed (the baselines' few keys; a field with its own parsing);
  // `fallback` when absent or null.
  template <typename T>
  T get(const std::string& key, T fallback) {
    const nlohmann::json v = take(key, nullptr);
    if (v.is_null()) return fallback;
    try {
      return v.get<T>();
    } catch (const nlohmann::json::exception&) {
      KAIROS_THROW(ErrorKind::kUsage, "{}: hyperparameter '{}' has the wrong type ({})", model_,
                   key, v.dump());
    }
  }

  // A key read by hand, as JSON; `fallback` when absent or null.
  nlohmann::json take(const std::string& key, nlohmann::json fallback) {
    used_.insert(key);
    if (!j_.contains(key) || j_[key].is_null()) return fallback;
    return j_[key];
  }

  // Throws kUsage naming the first key no read() or take() declared, and the known keys.
  void finish() const {
    for (const auto& [key, value] : j_.items()) {
      if (used_.count(key) != 0) continue;
      KAIROS_CHECK_USAGE(key != "threads" && key != "log",
                         "{}: '{}' is a run option, not a hyperparameter: give it to the command "
                         "(kairos train --{})",
                         model_, key, key);
      std::string known;
      for (const auto& k : used_) known += (known.empty() ? "" : ", ") + k;
      KAIROS_THROW(ErrorKind::kUsage, "{}: unknown hyperparameter '{}' (known: {})", model_, key,
                   known);
    }
  }

 private:
  nlohmann::json j_;
  std::string model_;
  std::set<std::string> used_;
};

}  // namespace kairos
