// Rule baselines of the return task: customers binned by recency (deciles) or by recency x
// frequency (quintile cells, the marketing RFM score without M), each bin's return rate and mean
// count read off the training window. Bin edges are the training window's quantiles (ties
// merged); rates are shrunk towards the overall rate with the weight of `prior` customers.
#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "models/customers/return_model.h"

namespace kairos {
namespace {

// Feature columns (tasks/customer_window.h).
constexpr size_t kRepeat = 0, kRecency = 2;

// Quantile edges of `v` into `bins` bins; a value's bin = number of edges <= it.
std::vector<float> quantile_edges(std::vector<float> v, int bins) {
  std::sort(v.begin(), v.end());
  std::vector<float> edges;
  for (int q = 1; q < bins; ++q) {
    const float e = v[static_cast<size_t>(static_cast<double>(q) / bins * (v.size() - 1))];
    if (edges.empty() || e > edges.back()) edges.push_back(e);
  }
  return edges;
}

size_t bin_of(const std::vector<float>& edges, float v) {
  return std::upper_bound(edges.begin(), edges.end(), v) - edges.begin();
}

class RuleModel final : public ReturnModel {
 public:
  RuleModel(std::string name, const nlohmann::json& h) : name_(std::move(name)) {
    for (const auto& [k, v] : h.items()) {
      KAIROS_CHECK_USAGE(k == "prior" && v.is_number() && v.get<double>() >= 0,
                         "{}: the only hyperparameter is 'prior' (>= 0), given '{}'", name_, k);
      prior_ = v.get<double>();
    }
  }
  std::string name() const override { return name_; }
  bool supervised() const override { return true; }

  void fit(const ReturnFitData& d) override {
    // Rules have nothing to stop early: they read the whole training window.
    const CustomerFeatures& f = d.train.features;
    std::vector<float> rec, freq;
    for (size_t i = 0; i < f.rows(); ++i) {
      rec.push_back(f.x[i * f.dim + kRecency]);
      freq.push_back(f.x[i * f.dim + kRepeat]);
    }
    for (size_t i = 0; i < d.valid.features.rows(); ++i) {
      rec.push_back(d.valid.features.x[i * f.dim + kRecency]);
      freq.push_back(d.valid.features.x[i * f.dim + kRepeat]);
    }
    KAIROS_CHECK(!rec.empty(), "{}: the training window has no customers", name_);
    const bool rfm = name_ == "rfm";
    recency_edges_ = quantile_edges(rec, rfm ? 5 : 10);
    frequency_edges_ = rfm ? quantile_edges(freq, 5) : std::vector<float>{};
    const size_t cells = (recency_edges_.size() + 1) * (frequency_edges_.size() + 1);
    std::vector<double> n(cells, 0), pos(cells, 0), count(cells, 0);
    double all_pos = 0, all_count = 0, all = 0;
    auto add = [&](const CustomerWindow& w) {
      for (size_t i = 0; i < w.features.rows(); ++i) {
        const size_t c = cell(w.features, i);
        n[c] += 1;
        pos[c] += w.labels.returns[i];
        count[c] += w.labels.count[i];
        all += 1;
        all_pos += w.labels.returns[i];
        all_count += w.labels.count[i];
      }
    };
    add(d.train);
    add(d.valid);
    rate_.assign(cells, 0);
    mean_count_.assign(cells, 0);
    const double base_rate = all_pos / all, base_count = all_count / all;
    for (size_t c = 0; c < cells; ++c) {
      rate_[c] = (pos[c] + prior_ * base_rate) / (n[c] + prior_);
      mean_count_[c] = (count[c] + prior_ * base_count) / (n[c] + prior_);
    }
    training_horizon_ = d.train.labels.horizon_days;
    customers_ = static_cast<size_t>(all);
  }

  ReturnPredictions predict(const CustomerFeatures& f, int32_t horizon_days) const override {
    KAIROS_CHECK_USAGE(horizon_days == training_horizon_,
                       "{}: fitted for a {}-day horizon, asked for {}", name_, training_horizon_,
                       horizon_days);
    ReturnPredictions out;
    for (size_t i = 0; i < f.rows(); ++i) {
      const size_t c = cell(f, i);
      out.p_return.push_back(std::clamp(rate_[c], 1e-6, 1 - 1e-6));
      out.expected.push_back(mean_count_[c]);
    }
    return out;
  }

  nlohmann::json details() const override {
    return {{"recency_edges_days", recency_edges_},
            {"frequency_edges", frequency_edges_},
            {"cells", rate_.size()},
            {"prior", prior_},
            {"training_customers", customers_}};
  }

 private:
  size_t cell(const CustomerFeatures& f, size_t i) const {
    const size_t r = bin_of(recency_edges_, f.x[i * f.dim + kRecency]);
    const size_t q =
        frequency_edges_.empty() ? 0 : bin_of(frequency_edges_, f.x[i * f.dim + kRepeat]);
    return r * (frequency_edges_.size() + 1) + q;
  }

  std::string name_;
  double prior_ = 10;
  std::vector<float> recency_edges_, frequency_edges_;
  std::vector<double> rate_, mean_count_;
  int32_t training_horizon_ = 0;
  size_t customers_ = 0;
};

}  // namespace

std::unique_ptr<ReturnModel> make_rule_model(std::string_view name, const nlohmann::json& h) {
  return std::make_unique<RuleModel>(std::string(name), h);
}

}  // namespace kairos
