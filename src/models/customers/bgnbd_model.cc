// The BG/NBD model as a return-task model (models/customers/return_model.h).
#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "models/customers/bgnbd.h"
#include "models/customers/return_model.h"

namespace kairos {
namespace {

class BgNbdModel final : public ReturnModel {
 public:
  explicit BgNbdModel(const nlohmann::json& h) {
    KAIROS_CHECK_USAGE(h.is_null() || h.empty(), "bgnbd takes no hyperparameters (given {})",
                       h.dump());
  }
  std::string name() const override { return "bgnbd"; }
  bool supervised() const override { return false; }

  void fit(const ReturnFitData& d) override {
    const CustomerFeatures& f = d.evaluate;
    fit_ = fit_bgnbd(f.repeat, f.recency_weeks, f.age_weeks);
    customers_ = f.rows();
  }

  ReturnPredictions predict(const CustomerFeatures& f, int32_t horizon_days) const override {
    const double t = horizon_days / 7.0;
    ReturnPredictions out;
    out.p_return.resize(f.rows());
    out.expected.resize(f.rows());
    for (size_t i = 0; i < f.rows(); ++i) {
      const double x = f.repeat[i], tx = f.recency_weeks[i], T = f.age_weeks[i];
      out.p_return[i] = bgnbd_p_return(fit_.params, x, tx, T, t);
      out.expected[i] = bgnbd_conditional_expected(fit_.params, x, tx, T, t);
    }
    return out;
  }

  nlohmann::json details() const override {
    const BgNbdParams& p = fit_.params;
    return {{"r", p.r},
            {"alpha", p.alpha},
            {"a", p.a},
            {"b", p.b},
            {"time_unit", "week"},
            {"log_likelihood", fit_.log_likelihood},
            {"customers", customers_},
            {"evaluations", fit_.evaluations}};
  }

  std::vector<double> expected_cumulative(const std::vector<int32_t>& first_day, int32_t start_day,
                                          int weeks) const override {
    std::vector<double> out(weeks, 0.0);
    // Customers born on the same day share a curve: group them.
    std::vector<int32_t> days = first_day;
    std::sort(days.begin(), days.end());
    std::vector<std::pair<int32_t, size_t>> births;
    for (int32_t d : days) {
      if (births.empty() || births.back().first != d) {
        births.emplace_back(d, 0);
      }
      ++births.back().second;
    }
    for (const auto& [day, n] : births) {
      for (int w = 0; w < weeks; ++w) {
        const double t = (start_day + 7.0 * (w + 1) - (day + 1)) / 7.0;  // weeks since birth day
        if (t > 0) out[w] += static_cast<double>(n) * bgnbd_expected(fit_.params, t);
      }
    }
    return out;
  }

 private:
  BgNbdFit fit_;
  size_t customers_ = 0;
};

}  // namespace

std::unique_ptr<ReturnModel> make_bgnbd_model(const nlohmann::json& h) {
  return std::make_unique<BgNbdModel>(h);
}

}  // namespace kairos
