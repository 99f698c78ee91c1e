// Models of the return / churn task (docs/TASKS.md "Return"): for every customer at a cut-off,
// P(at least one purchase within the horizon) and the expected number of purchase occasions in
// it. Names (make_return_model):
//   bgnbd     the BG/NBD model fitted by maximum likelihood on the evaluation window's own
//             calibration histories (no labels needed): P(return) and E[count] in closed form
//   pareto-nbd  the Pareto/NBD model, fitted and predicting the same way
//   recency   recency deciles; each decile's return rate and mean count in the training window
//   rfm       recency x frequency quintile cells (the classic RFM rule), rates as above
//   logistic  XGBoost's linear booster on the customer features: logistic regression for
//             P(return), Poisson regression for the count
//   gbdt      XGBoost trees on the same features (binary:logistic and count:poisson)
// Supervised models learn from the training window: the same features one horizon earlier, with
// the labels of the horizon that ends at the evaluation cut-off (so nothing after the cut-off is
// ever seen); they stop early on the validation customers of that window.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "tasks/customer_window.h"

namespace kairos {

struct ReturnFitData {
  CustomerWindow train;       // one horizon before the cut-off, with labels
  CustomerWindow valid;       // held-out customers of the same window (early stopping)
  CustomerFeatures evaluate;  // the evaluation window's features (no labels: they are the future)
};

struct ReturnPredictions {
  std::vector<double> p_return;  // per row of the evaluated features
  std::vector<double> expected;  // expected purchase occasions within the horizon
};

class ReturnModel {
 public:
  virtual ~ReturnModel() = default;
  virtual std::string name() const = 0;
  // True if the model needs the training window (labelled customers one horizon back).
  virtual bool supervised() const = 0;
  virtual void fit(const ReturnFitData& data) = 0;
  virtual ReturnPredictions predict(const CustomerFeatures& f, int32_t horizon_days) const = 0;
  // What was fitted (parameters, log-likelihood, boosting rounds…), for the report.
  virtual nlohmann::json details() const = 0;
  // Expected cumulative repeat occasions of customers born on `first_day`, summed, at the end of
  // each week from `start_day` (the tracking plot); empty if the model has no such curve.
  virtual std::vector<double> expected_cumulative(const std::vector<int32_t>& first_day,
                                                  int32_t start_day, int weeks) const {
    (void)first_day, (void)start_day, (void)weeks;
    return {};
  }
};

std::unique_ptr<ReturnModel> make_return_model(
    std::string_view name, const nlohmann::json& hparams = nlohmann::json::object(),
    int threads = 2, uint64_t seed = 42);
const std::vector<std::string>& return_model_names();

}  // namespace kairos
