// Typed access to a model's JSON hyperparameters with defaults; keys that no model reads are an
// error (a typo must not silently run the default).
#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "core/error.h"

namespace kairos {

class Hparams {
 public:
  Hparams(const nlohmann::json& j, std::string model) : j_(j), model_(std::move(model)) {
    KAIROS_CHECK_USAGE(j_.is_object() || j_.is_null(), "{}: hyperparameters must be an object",
                       model_);
  }
  template <typename T>
  T get(const std::string& key, T fallback) {
    used_.insert(key);
    if (!j_.is_object() || !j_.contains(key) || j_[key].is_null()) return fallback;
    try {
      return j_[key].get<T>();
    } catch (const nlohmann::json::exception&) {
      KAIROS_THROW(ErrorKind::kUsage, "{}: hyperparameter '{}' has the wrong type ({})", model_,
                   key, j_[key].dump());
    }
  }
  // Throws kUsage naming any key that was never read, and the keys that exist.
  void finish() const {
    if (!j_.is_object()) return;
    for (const auto& [key, value] : j_.items()) {
      if (used_.count(key) != 0) continue;
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
