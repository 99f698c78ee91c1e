// XGBoost through its C API: RAII handles, every call checked (XGBGetLastError into the error).
#include <fmt/format.h>
#include <xgboost/c_api.h>

#include <cmath>
#include <cstdlib>
#include <limits>

#include "core/error.h"
#include "models/intent/intent_classifier.h"

namespace kairos {
namespace {

void check(int rc, const char* what) {
  KAIROS_CHECK_KIND(rc == 0, ErrorKind::kInternal, "xgboost {}: {}", what, XGBGetLastError());
}

class Matrix {
 public:
  explicit Matrix(const FeatureRows& r) {
    check(XGDMatrixCreateFromMat(r.x.data(), r.rows(), r.dim,
                                 std::numeric_limits<float>::quiet_NaN(), &h_),
          "DMatrixCreateFromMat");
    if (!r.y.empty())
      check(XGDMatrixSetFloatInfo(h_, "label", r.y.data(), r.rows()), "SetFloatInfo");
  }
  ~Matrix() { XGDMatrixFree(h_); }
  Matrix(const Matrix&) = delete;
  Matrix& operator=(const Matrix&) = delete;
  DMatrixHandle get() const { return h_; }

 private:
  DMatrixHandle h_ = nullptr;
};

// The defaults and the keys a model accepts (values are XGBoost parameters, as strings or numbers).
nlohmann::json defaults(std::string_view name) {
  if (name == "logistic") {
    return {{"lambda", 1e-4}, {"alpha", 0.0}, {"eta", 0.5}, {"max_rounds", 300}, {"patience", 20}};
  }
  return {{"max_depth", 6},          {"eta", 0.1},    {"min_child_weight", 5}, {"subsample", 0.8},
          {"colsample_bytree", 0.8}, {"lambda", 1.0}, {"max_bin", 256},        {"max_rounds", 1000},
          {"patience", 30}};
}

class XgbClassifier final : public IntentClassifier {
 public:
  XgbClassifier(std::string name, const nlohmann::json& h, int threads, uint64_t seed,
                bool counts = false)
      : name_(std::move(name)),
        hp_(defaults(name_)),
        threads_(threads),
        seed_(seed),
        counts_(counts) {
    KAIROS_CHECK_USAGE(h.is_object() || h.is_null(), "{}: hyperparameters must be a map", name_);
    for (const auto& [k, v] : h.items()) {
      KAIROS_CHECK_USAGE(hp_.contains(k), "{}: unknown hyperparameter '{}' (known: {})", name_, k,
                         hp_.dump());
      KAIROS_CHECK_USAGE(v.is_number(), "{}: '{}' must be a number", name_, k);
      hp_[k] = v;
    }
    KAIROS_CHECK_USAGE(hp_["max_rounds"].get<int>() >= 1 && hp_["patience"].get<int>() >= 1,
                       "{}: max_rounds and patience must be >= 1", name_);
  }
  ~XgbClassifier() override {
    if (booster_) XGBoosterFree(booster_);
  }

  std::string name() const override { return name_; }
  nlohmann::json hparams() const override { return hp_; }
  int rounds() const override { return best_ + 1; }

  void fit(const FeatureRows& train, const FeatureRows& valid) override {
    KAIROS_CHECK_USAGE(train.rows() > 0 && train.y.size() == train.rows(), "{}: no training rows",
                       name_);
    linear_ = name_ == "logistic";
    if (linear_) standardise(train);
    const FeatureRows t = transform(train), v = transform(valid);
    const Matrix dtrain(t);
    const bool early = v.rows() > 0;
    std::unique_ptr<Matrix> dvalid = early ? std::make_unique<Matrix>(v) : nullptr;
    if (booster_) XGBoosterFree(booster_);
    DMatrixHandle cache[] = {dtrain.get()};
    check(XGBoosterCreate(cache, 1, &booster_), "BoosterCreate");
    set("objective", counts_ ? "count:poisson" : "binary:logistic");
    set("eval_metric", counts_ ? "poisson-nloglik" : "logloss");
    set("nthread", std::to_string(threads_));
    set("seed", std::to_string(seed_ % 2147483647));
    set("verbosity", "0");
    if (linear_) {
      set("booster", "gblinear");
      set("updater", "coord_descent");
      set("feature_selector", "cyclic");
    } else {
      set("booster", "gbtree");
      set("tree_method", "hist");
    }
    for (const auto& [k, val] : hp_.items()) {
      if (k == "max_rounds" || k == "patience") continue;
      set(k, fmt::format("{}", val.get<double>()));
    }
    const int max_rounds = hp_["max_rounds"].get<int>(), patience = hp_["patience"].get<int>();
    double best_loss = std::numeric_limits<double>::infinity();
    best_ = max_rounds - 1;
    for (int it = 0; it < max_rounds; ++it) {
      check(XGBoosterUpdateOneIter(booster_, it, dtrain.get()), "UpdateOneIter");
      if (!early) continue;
      DMatrixHandle mats[] = {dvalid->get()};
      const char* names[] = {"valid"};
      const char* out = nullptr;
      check(XGBoosterEvalOneIter(booster_, it, mats, names, 1, &out), "EvalOneIter");
      const std::string text(out);  // "[it]\tvalid-logloss:0.123"
      const double loss = std::strtod(text.c_str() + text.rfind(':') + 1, nullptr);
      if (loss < best_loss - 1e-7) {
        best_loss = loss;
        best_ = it;
      } else if (it - best_ >= patience) {
        break;
      }
    }
  }

  std::vector<double> predict(const FeatureRows& rows) const override {
    KAIROS_CHECK_USAGE(booster_ != nullptr, "{}: predict before fit", name_);
    if (rows.rows() == 0) return {};
    const FeatureRows t = transform(rows);
    const Matrix d(t);
    // gblinear has no per-round model to cut: its last round is its model.
    const int end = linear_ ? 0 : best_ + 1;
    const std::string config = fmt::format(
        R"({{"type": 0, "training": false, "iteration_begin": 0, "iteration_end": {}, "strict_shape": false}})",
        end);
    const bst_ulong* shape = nullptr;
    bst_ulong dims = 0;
    const float* out = nullptr;
    check(XGBoosterPredictFromDMatrix(booster_, d.get(), config.c_str(), &shape, &dims, &out),
          "PredictFromDMatrix");
    return std::vector<double>(out, out + rows.rows());
  }

 private:
  void set(const std::string& k, const std::string& v) {
    check(XGBoosterSetParam(booster_, k.c_str(), v.c_str()), "SetParam");
  }
  // z-scores from the training rows (the linear booster's L2 penalty needs comparable scales).
  void standardise(const FeatureRows& r) {
    mean_.assign(r.dim, 0.0);
    scale_.assign(r.dim, 1.0);
    std::vector<double> sq(r.dim, 0.0);
    for (size_t i = 0; i < r.rows(); ++i) {
      for (size_t j = 0; j < r.dim; ++j) {
        mean_[j] += r.x[i * r.dim + j];
        sq[j] += static_cast<double>(r.x[i * r.dim + j]) * r.x[i * r.dim + j];
      }
    }
    const auto n = static_cast<double>(r.rows());
    for (size_t j = 0; j < r.dim; ++j) {
      mean_[j] /= n;
      const double var = sq[j] / n - mean_[j] * mean_[j];
      scale_[j] = var > 1e-12 ? 1.0 / std::sqrt(var) : 0.0;
    }
  }
  FeatureRows transform(const FeatureRows& r) const {
    if (!linear_) return r;
    FeatureRows t = r;
    for (size_t i = 0; i < r.rows(); ++i) {
      for (size_t j = 0; j < r.dim; ++j) {
        float& v = t.x[i * r.dim + j];
        v = static_cast<float>((v - mean_[j]) * scale_[j]);
      }
    }
    return t;
  }

  std::string name_;
  nlohmann::json hp_;
  int threads_;
  uint64_t seed_;
  bool counts_ = false;  // count:poisson instead of binary:logistic
  bool linear_ = false;
  BoosterHandle booster_ = nullptr;
  int best_ = 0;
  std::vector<double> mean_, scale_;
};

}  // namespace

const std::vector<std::string>& intent_classifier_names() {
  static const std::vector<std::string> names = {"logistic", "gbdt"};
  return names;
}

std::unique_ptr<IntentClassifier> make_intent_classifier(std::string_view name,
                                                         const nlohmann::json& hparams, int threads,
                                                         uint64_t seed) {
  KAIROS_CHECK_USAGE(name == "logistic" || name == "gbdt",
                     "unknown intent model '{}' (models: logistic, gbdt)", name);
  return std::make_unique<XgbClassifier>(std::string(name), hparams, threads, seed);
}

std::unique_ptr<IntentClassifier> make_count_regressor(std::string_view name,
                                                       const nlohmann::json& hparams, int threads,
                                                       uint64_t seed) {
  KAIROS_CHECK_USAGE(name == "logistic" || name == "gbdt",
                     "unknown count model '{}' (models: logistic, gbdt)", name);
  return std::make_unique<XgbClassifier>(std::string(name), hparams, threads, seed,
                                         /*counts=*/true);
}

}  // namespace kairos
