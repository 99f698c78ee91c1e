// The global gradient-boosted forecaster: one XGBoost model (count:poisson) over every series,
// direct multi-horizon (the horizon step is a feature). A row describes series i at an origin o
// (its first unseen day) and a target day o + k:
//   the last 14 days, the 4 latest values on the target's weekday, means of the last 7 / 28 / 91
//   days, the standard deviation and zero share of the last 28, the target's weekday and k.
// Trained at origins o - 7j (j = 2 .. train_origins) of the history handed in, early-stopped on
// the rows of origin o - 7, refitted at every forecast call (rolling origin).
#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "models/forecast/forecaster.h"
#include "models/intent/intent_classifier.h"

namespace kairos {
namespace {

constexpr size_t kLags = 14, kSameDay = 4, kMinHistory = 91 + 28;
constexpr size_t kDim = kLags + kSameDay + 7;

// Features of series `s` at origin `o` (index of the first unseen day) for step k; the target's
// weekday from the absolute day.
void features(std::span<const float> s, size_t o, int k, int32_t target_day, float* x) {
  for (size_t l = 0; l < kLags; ++l) x[l] = s[o - 1 - l];
  // Same weekday as the target, the latest ones before the origin.
  size_t back = 7;
  while (o + k < back || o + k - back >= o) back += 7;
  for (size_t j = 0; j < kSameDay; ++j) x[kLags + j] = s[o + k - back - 7 * j];
  auto mean = [&](size_t n) {
    double m = 0;
    for (size_t d = o - n; d < o; ++d) m += s[d];
    return m / static_cast<double>(n);
  };
  const double m28 = mean(28);
  double var = 0, zeros = 0;
  for (size_t d = o - 28; d < o; ++d) {
    var += (s[d] - m28) * (s[d] - m28);
    zeros += s[d] == 0;
  }
  float* r = x + kLags + kSameDay;
  r[0] = static_cast<float>(mean(7));
  r[1] = static_cast<float>(m28);
  r[2] = static_cast<float>(mean(91));
  r[3] = static_cast<float>(std::sqrt(var / 28));
  r[4] = static_cast<float>(zeros / 28);
  r[5] = static_cast<float>(((target_day % 7) + 7 + 3) % 7);  // 0 = Monday (1970-01-01: Thursday)
  r[6] = static_cast<float>(k);
}

class BoostedForecaster final : public Forecaster {
 public:
  BoostedForecaster(const nlohmann::json& h, int threads, uint64_t seed)
      : train_origins_(h.value("train_origins", 12)), threads_(threads), seed_(seed) {
    for (const auto& [k, v] : h.items()) {
      KAIROS_CHECK_USAGE(k == "train_origins" || k == "booster",
                         "gbdt (forecast): hyperparameters are 'train_origins' and 'booster' (a "
                         "map of XGBoost keys), not '{}'",
                         k);
      if (k == "booster") booster_ = v;
    }
    KAIROS_CHECK_USAGE(train_origins_ >= 2, "gbdt (forecast): train_origins must be >= 2");
  }
  std::string name() const override { return "gbdt"; }

  std::vector<float> forecast(const DemandSeries& h, int horizon) override {
    KAIROS_CHECK_USAGE(horizon >= 1 && horizon <= 7,
                       "gbdt (forecast): horizons of 1 to 7 days (a training origin's targets "
                       "must end before the forecast origin)");
    const size_t o = h.days;
    FeatureRows train, valid;
    train.dim = valid.dim = kDim;
    std::vector<float> x(kDim);
    for (int j = 1; j <= train_origins_; ++j) {
      if (o < 7 * static_cast<size_t>(j) + kMinHistory) break;
      const size_t origin = o - 7 * j;
      FeatureRows& rows = j == 1 ? valid : train;
      for (size_t i = 0; i < h.size(); ++i) {
        const auto s = h.series(i);
        for (int k = 0; k < horizon; ++k) {
          features(s, origin, k, h.start_day + static_cast<int32_t>(origin) + k, x.data());
          rows.x.insert(rows.x.end(), x.begin(), x.end());
          rows.y.push_back(s[origin + k]);
        }
      }
    }
    KAIROS_CHECK(train.rows() > 0, "gbdt (forecast): needs {} days of history, has {}",
                 kMinHistory + 14, o);
    model_ = make_count_regressor("gbdt", booster_, threads_, seed_);
    model_->fit(train, valid);
    FeatureRows query;
    query.dim = kDim;
    for (size_t i = 0; i < h.size(); ++i) {
      for (int k = 0; k < horizon; ++k) {
        features(h.series(i), o, k, h.start_day + static_cast<int32_t>(o) + k, x.data());
        query.x.insert(query.x.end(), x.begin(), x.end());
      }
    }
    const std::vector<double> p = model_->predict(query);
    rows_ = train.rows();
    return std::vector<float>(p.begin(), p.end());
  }

  nlohmann::json details() const override {
    return {{"train_origins", train_origins_},
            {"training_rows", rows_},
            {"rounds", model_ ? model_->rounds() : 0}};
  }

 private:
  int train_origins_;
  nlohmann::json booster_ = nlohmann::json::object();
  int threads_;
  uint64_t seed_;
  std::unique_ptr<IntentClassifier> model_;
  size_t rows_ = 0;
};

}  // namespace

std::unique_ptr<Forecaster> make_boosted_forecaster(const nlohmann::json& h, int threads,
                                                    uint64_t seed) {
  return std::make_unique<BoostedForecaster>(h, threads, seed);
}

}  // namespace kairos
