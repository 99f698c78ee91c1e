// The local baselines of the demand task: seasonal naive, moving average, and ETS(A,N,A).
#include <nlopt.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "models/forecast/forecaster.h"

namespace kairos {
namespace {

constexpr int kSeason = 7;

void check_keys(std::string_view model, const nlohmann::json& h,
                std::initializer_list<std::string_view> keys) {
  for (const auto& [k, v] : h.items()) {
    KAIROS_CHECK_USAGE(std::find(keys.begin(), keys.end(), k) != keys.end() && v.is_number(),
                       "{}: unknown or non-numeric hyperparameter '{}'", model, k);
  }
}

class SeasonalNaive final : public Forecaster {
 public:
  explicit SeasonalNaive(const nlohmann::json& h) { check_keys("seasonal-naive", h, {}); }
  std::string name() const override { return "seasonal-naive"; }
  std::vector<float> forecast(const DemandSeries& h, int horizon) override {
    KAIROS_CHECK_USAGE(h.days >= kSeason, "seasonal-naive: needs {} days of history", kSeason);
    std::vector<float> out;
    for (size_t i = 0; i < h.size(); ++i) {
      const auto s = h.series(i);
      for (int k = 0; k < horizon; ++k) out.push_back(s[h.days - kSeason + (k % kSeason)]);
    }
    return out;
  }
};

class MovingAverage final : public Forecaster {
 public:
  explicit MovingAverage(const nlohmann::json& h) : window_(h.value("window", 28)) {
    check_keys("moving-average", h, {"window"});
    KAIROS_CHECK_USAGE(window_ >= 1, "moving-average: window must be >= 1");
  }
  std::string name() const override { return "moving-average"; }
  std::vector<float> forecast(const DemandSeries& h, int horizon) override {
    std::vector<float> out;
    const size_t w = std::min<size_t>(window_, h.days);
    for (size_t i = 0; i < h.size(); ++i) {
      const auto s = h.series(i);
      double sum = 0;
      for (size_t d = h.days - w; d < h.days; ++d) sum += s[d];
      out.insert(out.end(), horizon, static_cast<float>(w > 0 ? sum / w : 0.0));
    }
    return out;
  }
  nlohmann::json details() const override { return {{"window", window_}}; }

 private:
  int window_;
};

// ETS(A,N,A): e_t = y_t - l_{t-1} - s_{t-m}; l_t = l_{t-1} + alpha e_t; s_t = s_{t-m} + gamma e_t.
// States start from the first two weeks (level = their mean, seasonal = the first week's
// deviations from it); the smoothing parameters minimise the sum of squared one-step errors over
// the fitted span (the last `fit_days` days), as statsmodels' ExponentialSmoothing does by
// default.
struct EtsData {
  std::span<const float> y;
};

double ets_run(std::span<const float> y, double alpha, double gamma, double* level,
               double* season /* kSeason, rotated: season[t % m] */) {
  double l = 0;
  for (int k = 0; k < 2 * kSeason; ++k) l += y[k];
  l /= 2 * kSeason;
  for (int k = 0; k < kSeason; ++k) season[k] = (y[k] + y[k + kSeason]) / 2.0 - l;
  double sse = 0;
  for (size_t t = 0; t < y.size(); ++t) {
    double& s = season[t % kSeason];
    const double e = y[t] - l - s;
    sse += e * e;
    l += alpha * e;
    s += gamma * e;
  }
  *level = l;
  return sse;
}

double ets_objective(unsigned, const double* v, double* grad, void* data) {
  (void)grad;
  const auto* d = static_cast<const EtsData*>(data);
  double level, season[kSeason];
  const double sse = ets_run(d->y, v[0], v[1], &level, season);
  return std::isfinite(sse) ? sse : std::numeric_limits<double>::max();
}

class Ets final : public Forecaster {
 public:
  explicit Ets(const nlohmann::json& h) : fit_days_(h.value("fit_days", 364)) {
    check_keys("ets", h, {"fit_days"});
    KAIROS_CHECK_USAGE(fit_days_ >= 3 * kSeason, "ets: fit_days must be >= {}", 3 * kSeason);
  }
  std::string name() const override { return "ets"; }
  std::vector<float> forecast(const DemandSeries& h, int horizon) override {
    KAIROS_CHECK_USAGE(h.days >= 3 * kSeason, "ets: needs {} days of history", 3 * kSeason);
    std::vector<float> out;
    const size_t span = std::min<size_t>(fit_days_, h.days);
    double alpha_sum = 0, gamma_sum = 0;
    for (size_t i = 0; i < h.size(); ++i) {
      const auto y = h.series(i).subspan(h.days - span);
      EtsData data{y};
      double v[2] = {0.1, 0.05};
      nlopt_opt opt = nlopt_create(NLOPT_LN_BOBYQA, 2);
      const double lo[2] = {1e-4, 0}, hi[2] = {0.9999, 0.9999};
      nlopt_set_lower_bounds(opt, lo);
      nlopt_set_upper_bounds(opt, hi);
      nlopt_set_min_objective(opt, ets_objective, &data);
      nlopt_set_xtol_rel(opt, 1e-6);
      nlopt_set_maxeval(opt, 500);
      double best = 0;
      const nlopt_result rc = nlopt_optimize(opt, v, &best);
      nlopt_destroy(opt);
      if (rc < 0) v[0] = 0.1, v[1] = 0.05;  // keep the start: a flat series defeats the search
      double level, season[kSeason];
      ets_run(y, v[0], v[1], &level, season);
      for (int k = 0; k < horizon; ++k) {
        const double f = level + season[(y.size() + k) % kSeason];
        out.push_back(static_cast<float>(std::max(0.0, f)));
      }
      alpha_sum += v[0];
      gamma_sum += v[1];
    }
    mean_alpha_ = h.size() ? alpha_sum / h.size() : 0;
    mean_gamma_ = h.size() ? gamma_sum / h.size() : 0;
    return out;
  }
  nlohmann::json details() const override {
    return {{"fit_days", fit_days_}, {"mean_alpha", mean_alpha_}, {"mean_gamma", mean_gamma_}};
  }

 private:
  int fit_days_;
  double mean_alpha_ = 0, mean_gamma_ = 0;
};

}  // namespace

std::unique_ptr<Forecaster> make_boosted_forecaster(const nlohmann::json& h, int threads,
                                                    uint64_t seed);

const std::vector<std::string>& forecaster_names() {
  static const std::vector<std::string> names = {"seasonal-naive", "moving-average", "ets", "gbdt"};
  return names;
}

std::unique_ptr<Forecaster> make_forecaster(std::string_view name, const nlohmann::json& hparams,
                                            int threads, uint64_t seed) {
  const nlohmann::json h = hparams.is_null() ? nlohmann::json::object() : hparams;
  KAIROS_CHECK_USAGE(h.is_object(), "{}: hyperparameters must be a map", name);
  if (name == "seasonal-naive") return std::make_unique<SeasonalNaive>(h);
  if (name == "moving-average") return std::make_unique<MovingAverage>(h);
  if (name == "ets") return std::make_unique<Ets>(h);
  if (name == "gbdt") return make_boosted_forecaster(h, threads, seed);
  KAIROS_THROW(ErrorKind::kUsage,
               "unknown forecaster '{}' (forecasters: seasonal-naive, moving-average, ets, gbdt)",
               name);
}

}  // namespace kairos
