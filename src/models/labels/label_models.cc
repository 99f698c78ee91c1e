// The label-task baselines, each a few counts over the training sessions:
//   popularity     P(c) = the training target frequency of c (add-one smoothed): the prior
//   markov         P(c | label of the last event) = (n(last -> c) + beta * prior(c)) /
//                  (n(last) + beta): first-order transitions shrunk towards the prior
//   session-decay  P(c) = (w(c) + gamma * prior(c)) / (sum w + gamma), w(c) = sum over the
//                  prefix's events j with label c of decay^(age of j): the session's own interest,
//                  recent events weighing most
// With an unknown class (category task), events of unknown label add nothing and the markov
// model conditions on the last event with a known label.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "models/labels/label_model.h"

namespace kairos {
namespace {

double get(const nlohmann::json& h, const char* key, double fallback) {
  return h.contains(key) ? h.at(key).get<double>() : fallback;
}

void check_keys(const nlohmann::json& h, std::string_view model,
                std::initializer_list<const char*> keys) {
  KAIROS_CHECK_USAGE(h.is_object() || h.is_null(), "{}: hyperparameters must be a map", model);
  for (const auto& [k, v] : h.items()) {
    KAIROS_CHECK_USAGE(
        std::find_if(keys.begin(), keys.end(), [&](const char* a) { return k == a; }) != keys.end(),
        "{}: unknown hyperparameter '{}'", model, k);
    KAIROS_CHECK_USAGE(v.is_number(), "{}: '{}' must be a number", model, k);
  }
}

void write(std::span<float> probs, const std::vector<double>& w) {
  double sum = 0;
  for (double v : w) sum += v;
  for (size_t c = 0; c < probs.size(); ++c) probs[c] = static_cast<float>(w[c] / sum);
}

class Popularity final : public LabelModel {
 public:
  explicit Popularity(const nlohmann::json& h) {
    check_keys(h, "popularity", {"alpha"});
    alpha_ = get(h, "alpha", 1.0);
    KAIROS_CHECK_USAGE(alpha_ > 0, "popularity: alpha must be positive");
  }
  std::string name() const override { return "popularity"; }
  nlohmann::json hparams() const override { return {{"alpha", alpha_}}; }
  void fit(const EventLabels& labels, const Dataset&, const SessionSet& train) override {
    prior_ = label_prior(labels, train, alpha_);
  }
  void predict(const SessionQuery&, std::span<float> probs) const override {
    KAIROS_ASSERT(probs.size() == prior_.size());
    write(probs, prior_);
  }

 private:
  double alpha_ = 1;
  std::vector<double> prior_;
};

class Markov final : public LabelModel {
 public:
  explicit Markov(const nlohmann::json& h) {
    check_keys(h, "markov", {"beta"});
    beta_ = get(h, "beta", 2.0);
    KAIROS_CHECK_USAGE(beta_ > 0, "markov: beta must be positive");
  }
  std::string name() const override { return "markov"; }
  nlohmann::json hparams() const override { return {{"beta", beta_}}; }
  void fit(const EventLabels& labels, const Dataset&, const SessionSet& train) override {
    labels_ = &labels;
    n_ = labels.num_classes();
    prior_ = label_prior(labels, train, 1.0);
    counts_.assign(static_cast<size_t>(n_) * n_, 0.0f);
    for (size_t s = 0; s < train.size(); ++s) {
      const SessionView v = train[s];
      uint32_t last = 0;
      bool have_last = false;
      for (size_t i = 0; i < v.size(); ++i) {
        const uint32_t c = labels.label(v.items[i], v.types[i]);
        if (!labels.is_target(c)) continue;
        if (have_last) counts_[static_cast<size_t>(last) * n_ + c] += 1.0f;
        last = c;
        have_last = true;
      }
    }
  }
  void predict(const SessionQuery& q, std::span<float> probs) const override {
    KAIROS_ASSERT(labels_ != nullptr && probs.size() == n_);
    std::vector<double> w(prior_.size());
    const float* row = nullptr;
    for (size_t i = q.items.size(); i-- > 0;) {
      const uint32_t c = labels_->label(q.items[i], q.types.empty() ? 0 : q.types[i]);
      if (labels_->is_target(c)) {
        row = counts_.data() + static_cast<size_t>(c) * n_;
        break;
      }
    }
    for (uint32_t c = 0; c < n_; ++c) w[c] = beta_ * prior_[c] + (row ? row[c] : 0.0f);
    write(probs, w);
  }

 private:
  double beta_ = 2;
  const EventLabels* labels_ = nullptr;
  uint32_t n_ = 0;
  std::vector<double> prior_;
  std::vector<float> counts_;  // [from x to] transition counts
};

class SessionDecay final : public LabelModel {
 public:
  explicit SessionDecay(const nlohmann::json& h) {
    check_keys(h, "session-decay", {"decay", "gamma"});
    decay_ = get(h, "decay", 0.7);
    gamma_ = get(h, "gamma", 1.0);
    KAIROS_CHECK_USAGE(decay_ > 0 && decay_ <= 1, "session-decay: decay must be in (0, 1]");
    KAIROS_CHECK_USAGE(gamma_ > 0, "session-decay: gamma must be positive");
  }
  std::string name() const override { return "session-decay"; }
  nlohmann::json hparams() const override { return {{"decay", decay_}, {"gamma", gamma_}}; }
  void fit(const EventLabels& labels, const Dataset&, const SessionSet& train) override {
    labels_ = &labels;
    prior_ = label_prior(labels, train, 1.0);
  }
  void predict(const SessionQuery& q, std::span<float> probs) const override {
    KAIROS_ASSERT(labels_ != nullptr && probs.size() == prior_.size());
    std::vector<double> w(prior_.size());
    for (size_t c = 0; c < w.size(); ++c) w[c] = gamma_ * prior_[c];
    double weight = 1;
    for (size_t i = q.items.size(); i-- > 0; weight *= decay_) {
      const uint32_t c = labels_->label(q.items[i], q.types.empty() ? 0 : q.types[i]);
      if (labels_->is_target(c)) w[c] += weight;
    }
    write(probs, w);
  }

 private:
  double decay_ = 0.7, gamma_ = 1;
  const EventLabels* labels_ = nullptr;
  std::vector<double> prior_;
};

}  // namespace

std::vector<double> label_prior(const EventLabels& labels, const SessionSet& train, double alpha) {
  std::vector<double> p(labels.num_classes(), 0.0);
  for (uint32_t c = 0; c < p.size(); ++c) p[c] = labels.is_target(c) ? alpha : 0.0;
  for (size_t s = 0; s < train.size(); ++s) {
    const SessionView v = train[s];
    for (size_t i = 1; i < v.size(); ++i) {
      const uint32_t c = labels.label(v.items[i], v.types[i]);
      if (labels.is_target(c)) p[c] += 1.0;
    }
  }
  double sum = 0;
  for (double v : p) sum += v;
  KAIROS_CHECK_USAGE(sum > 0, "label prior: no target class");
  for (double& v : p) v /= sum;
  return p;
}

const std::vector<std::string>& label_model_names() {
  static const std::vector<std::string> names = {"popularity", "markov", "session-decay"};
  return names;
}

std::unique_ptr<LabelModel> make_label_model(std::string_view name, const nlohmann::json& h) {
  if (name == "popularity") return std::make_unique<Popularity>(h);
  if (name == "markov") return std::make_unique<Markov>(h);
  if (name == "session-decay") return std::make_unique<SessionDecay>(h);
  KAIROS_THROW(ErrorKind::kUsage, "unknown label model '{}' (models: {})", name,
               fmt::join(label_model_names(), ", "));
}

}  // namespace kairos
