// The "buy till you die" models as return-task models (models/customers/return_model.h):
// BG/NBD (`bgnbd`) and Pareto/NBD (`pareto-nbd`), one class over a traits struct each.
#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "models/customers/bgnbd.h"
#include "models/customers/pareto_nbd.h"
#include "models/customers/return_model.h"

namespace kairos {
namespace {

struct BgNbd {
  static constexpr const char* kName = "bgnbd";
  using Fit = BgNbdFit;
  static Fit fit(const CustomerFeatures& f) {
    return fit_bgnbd(f.repeat, f.recency_weeks, f.age_weeks);
  }
  static double p_return(const Fit& m, double x, double tx, double T, double t) {
    return bgnbd_p_return(m.params, x, tx, T, t);
  }
  static double conditional(const Fit& m, double x, double tx, double T, double t) {
    return bgnbd_conditional_expected(m.params, x, tx, T, t);
  }
  static double expected(const Fit& m, double t) { return bgnbd_expected(m.params, t); }
  static nlohmann::json params(const Fit& m) {
    return {{"r", m.params.r}, {"alpha", m.params.alpha}, {"a", m.params.a}, {"b", m.params.b}};
  }
};

struct ParetoNbd {
  static constexpr const char* kName = "pareto-nbd";
  using Fit = ParetoNbdFit;
  static Fit fit(const CustomerFeatures& f) {
    return fit_pareto_nbd(f.repeat, f.recency_weeks, f.age_weeks);
  }
  static double p_return(const Fit& m, double x, double tx, double T, double t) {
    return pareto_nbd_p_return(m.params, x, tx, T, t);
  }
  static double conditional(const Fit& m, double x, double tx, double T, double t) {
    return pareto_nbd_conditional_expected(m.params, x, tx, T, t);
  }
  static double expected(const Fit& m, double t) { return pareto_nbd_expected(m.params, t); }
  static nlohmann::json params(const Fit& m) {
    return {
        {"r", m.params.r}, {"alpha", m.params.alpha}, {"s", m.params.s}, {"beta", m.params.beta}};
  }
};

template <typename Model>
class BtydModel final : public ReturnModel {
 public:
  explicit BtydModel(const nlohmann::json& h) {
    KAIROS_CHECK_USAGE(h.is_null() || h.empty(), "{} takes no hyperparameters (given {})",
                       Model::kName, h.dump());
  }
  std::string name() const override { return Model::kName; }
  bool supervised() const override { return false; }

  void fit(const ReturnFitData& d) override {
    fit_ = Model::fit(d.evaluate);
    customers_ = d.evaluate.rows();
  }

  ReturnPredictions predict(const CustomerFeatures& f, int32_t horizon_days) const override {
    const double t = horizon_days / 7.0;
    ReturnPredictions out;
    out.p_return.resize(f.rows());
    out.expected.resize(f.rows());
    for (size_t i = 0; i < f.rows(); ++i) {
      const double x = f.repeat[i], tx = f.recency_weeks[i], T = f.age_weeks[i];
      out.p_return[i] = Model::p_return(fit_, x, tx, T, t);
      out.expected[i] = Model::conditional(fit_, x, tx, T, t);
    }
    return out;
  }

  nlohmann::json details() const override {
    nlohmann::json j = Model::params(fit_);
    j.update({{"time_unit", "week"},
              {"log_likelihood", fit_.log_likelihood},
              {"customers", customers_},
              {"evaluations", fit_.evaluations}});
    return j;
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
        if (t > 0) out[w] += static_cast<double>(n) * Model::expected(fit_, t);
      }
    }
    return out;
  }

 private:
  typename Model::Fit fit_;
  size_t customers_ = 0;
};

}  // namespace

std::unique_ptr<ReturnModel> make_bgnbd_model(const nlohmann::json& h) {
  return std::make_unique<BtydModel<BgNbd>>(h);
}

std::unique_ptr<ReturnModel> make_pareto_nbd_model(const nlohmann::json& h) {
  return std::make_unique<BtydModel<ParetoNbd>>(h);
}

}  // namespace kairos
