// XGBoost models of the return task on the customer features (tasks/customer_window.h): a
// classifier for P(return) and a Poisson regressor for the count, both from
// models/intent/intent_classifier.h, trained on the training window and stopped early on its
// validation customers. Hyperparameters: {"classifier": {...}, "counts": {...}}, each the
// booster's own keys.
#include "core/error.h"
#include "models/customers/return_model.h"
#include "models/intent/intent_classifier.h"

namespace kairos {
namespace {

FeatureRows rows_of(const CustomerFeatures& f, const std::vector<double>* y = nullptr) {
  FeatureRows r;
  r.x = f.x;
  r.dim = f.dim;
  if (y != nullptr) r.y.assign(y->begin(), y->end());
  return r;
}

class BoostedReturnModel final : public ReturnModel {
 public:
  BoostedReturnModel(std::string name, const nlohmann::json& h, int threads, uint64_t seed)
      : name_(std::move(name)) {
    nlohmann::json classifier = nlohmann::json::object(), counts = nlohmann::json::object();
    for (const auto& [k, v] : h.items()) {
      KAIROS_CHECK_USAGE(k == "classifier" || k == "counts",
                         "{}: hyperparameters are 'classifier' and 'counts' (maps of booster "
                         "keys), not '{}'",
                         name_, k);
      (k == "classifier" ? classifier : counts) = v;
    }
    classifier_ = make_intent_classifier(name_, classifier, threads, seed);
    counts_ = make_count_regressor(name_, counts, threads, seed);
  }
  std::string name() const override { return name_; }
  bool supervised() const override { return true; }

  void fit(const ReturnFitData& d) override {
    KAIROS_CHECK(d.train.features.rows() > 0, "{}: the training window has no customers", name_);
    std::vector<double> returns(d.train.labels.returns.begin(), d.train.labels.returns.end());
    std::vector<double> valid_returns(d.valid.labels.returns.begin(), d.valid.labels.returns.end());
    classifier_->fit(rows_of(d.train.features, &returns),
                     rows_of(d.valid.features, &valid_returns));
    counts_->fit(rows_of(d.train.features, &d.train.labels.count),
                 rows_of(d.valid.features, &d.valid.labels.count));
    training_horizon_ = d.train.labels.horizon_days;
  }

  ReturnPredictions predict(const CustomerFeatures& f, int32_t horizon_days) const override {
    KAIROS_CHECK_USAGE(horizon_days == training_horizon_,
                       "{}: fitted for a {}-day horizon, asked for {}", name_, training_horizon_,
                       horizon_days);
    const FeatureRows rows = rows_of(f);
    return {classifier_->predict(rows), counts_->predict(rows)};
  }

  nlohmann::json details() const override {
    return {
        {"classifier", {{"rounds", classifier_->rounds()}, {"hparams", classifier_->hparams()}}},
        {"counts", {{"rounds", counts_->rounds()}, {"hparams", counts_->hparams()}}}};
  }

 private:
  std::string name_;
  std::unique_ptr<IntentClassifier> classifier_, counts_;
  int32_t training_horizon_ = 0;
};

}  // namespace

std::unique_ptr<ReturnModel> make_bgnbd_model(const nlohmann::json& h);
std::unique_ptr<ReturnModel> make_pareto_nbd_model(const nlohmann::json& h);
std::unique_ptr<ReturnModel> make_rule_model(std::string_view name, const nlohmann::json& h);

const std::vector<std::string>& return_model_names() {
  static const std::vector<std::string> names = {"bgnbd", "pareto-nbd", "recency",
                                                 "rfm",   "logistic",   "gbdt"};
  return names;
}

std::unique_ptr<ReturnModel> make_return_model(std::string_view name, const nlohmann::json& h,
                                               int threads, uint64_t seed) {
  const nlohmann::json hp = h.is_null() ? nlohmann::json::object() : h;
  KAIROS_CHECK_USAGE(hp.is_object(), "{}: hyperparameters must be a map", name);
  if (name == "bgnbd") return make_bgnbd_model(hp);
  if (name == "pareto-nbd") return make_pareto_nbd_model(hp);
  if (name == "recency" || name == "rfm") return make_rule_model(name, hp);
  if (name == "logistic" || name == "gbdt")
    return std::make_unique<BoostedReturnModel>(std::string(name), hp, threads, seed);
  KAIROS_THROW(ErrorKind::kUsage,
               "unknown return model '{}' (models: bgnbd, pareto-nbd, recency, rfm, "
               "logistic, gbdt)",
               name);
}

}  // namespace kairos
