// Models of the purchase-intent task (docs/TASKS.md): P(y = 1) from a prefix's feature row
// (features/session_features.h). Both baselines run on XGBoost's C API (Debian libxgboost-dev):
//   logistic  a linear booster (gblinear, binary:logistic) on standardised features: L2-regularised
//             logistic regression by coordinate descent
//   gbdt      gradient-boosted trees (gbtree, hist)
// Both stop early on the validation rows' log-loss. Deep intent heads plug in beside them.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kairos {

// Row-major feature rows [rows x dim] and their 0/1 labels.
struct FeatureRows {
  std::vector<float> x;
  std::vector<float> y;
  size_t dim = 0;
  size_t rows() const { return dim ? x.size() / dim : 0; }
};

class IntentClassifier {
 public:
  virtual ~IntentClassifier() = default;
  virtual std::string name() const = 0;
  // Fits on `train`; `valid` (may be empty) decides the number of boosting rounds.
  virtual void fit(const FeatureRows& train, const FeatureRows& valid) = 0;
  virtual std::vector<double> predict(const FeatureRows& rows) const = 0;
  virtual nlohmann::json hparams() const = 0;
  virtual int rounds() const = 0;  // boosting rounds kept
};

// "logistic" or "gbdt"; hyperparameters override the defaults (unknown keys are kUsage errors).
std::unique_ptr<IntentClassifier> make_intent_classifier(
    std::string_view name, const nlohmann::json& hparams = nlohmann::json::object(),
    int threads = 2, uint64_t seed = 42);
const std::vector<std::string>& intent_classifier_names();

// The same two boosters on a non-negative count target (objective count:poisson, early stopping
// on the validation Poisson negative log-likelihood): predict() returns expected counts. The
// linear one is then a Poisson regression with a log link. Used by the return task's expected
// number of purchases (models/customers/).
std::unique_ptr<IntentClassifier> make_count_regressor(
    std::string_view name, const nlohmann::json& hparams = nlohmann::json::object(),
    int threads = 2, uint64_t seed = 42);

}  // namespace kairos
