// Item-kNN (Hidasi et al. 2016's baseline; session-rec ItemKNN): items are similar when they
// occur in the same sessions,
//   sim(i, j) = cooc(i, j) / ((supp_i + lmbd)^alpha * (supp_j + lmbd)^(1 - alpha)),
// with cooc(i, j) = sum over sessions of (#events of i) * (#events of j) and supp = #events of
// the item (session-rec counts events, not sessions). Each item keeps its n_sims most similar
// items. Prediction: the neighbours of the session's last item, the rest back-filled.
#include <cmath>

#include "models/baselines/baselines.h"
#include "models/baselines/item_rules.h"
#include "models/baselines/popularity.h"
#include "models/config_reader.h"

namespace kairos {
namespace {

class ItemKnn final : public SessionModel {
 public:
  ItemKnn(int n_sims, double lmbd, double alpha, bool backfill)
      : n_sims_(n_sims), lmbd_(lmbd), alpha_(alpha), backfill_(backfill) {}
  std::string name() const override { return "iknn"; }

  void fit(const Dataset& data, const SessionSet& train) override {
    const uint32_t n = data.num_items();
    const EventIndex ev(train, n);
    std::vector<double> norm_j(n);  // (supp_j + lmbd)^(1 - alpha)
    for (uint32_t j = 0; j < n; ++j) {
      norm_j[j] = std::pow(static_cast<double>(ev.occurrences(j).size()) + lmbd_, 1.0 - alpha_);
    }
    RuleRowBuilder row(n);
    sims_ = ItemRules();
    for (uint32_t i = 0; i < n; ++i) {
      const auto occ = ev.occurrences(i);
      for (uint32_t e : occ) {
        for (uint32_t f = ev.session_begin[e]; f < ev.session_end[e]; ++f) {
          if (ev.items[f] != i) row.add(ev.items[f], 1.0);
        }
      }
      const double norm_i = std::pow(static_cast<double>(occ.size()) + lmbd_, alpha_);
      for (uint32_t j : row.targets()) {
        const double norm = norm_i * norm_j[j];
        row.weight(j) /= norm == 0 ? 1.0 : norm;
      }
      sims_.add_row(row, static_cast<size_t>(n_sims_));
    }
    if (backfill_) fill_.build(train, n);
  }

  void score(const SessionQuery& q, std::span<float> scores) const override {
    sims_.score(q.items.empty() ? 0 : q.items.back(), backfill_ ? &fill_ : nullptr, scores);
  }

 private:
  int n_sims_;
  double lmbd_, alpha_;
  bool backfill_;
  ItemRules sims_;
  PopularityFill fill_;
};

}  // namespace

std::unique_ptr<SessionModel> make_item_knn(const nlohmann::json& hparams) {
  ConfigReader h(hparams, "iknn");
  const int n_sims = h.get<int>("n_sims", 100);
  const double lmbd = h.get<double>("lmbd", 20.0);
  const double alpha = h.get<double>("alpha", 0.5);
  const bool backfill = h.get<bool>("backfill", true);
  h.finish();
  KAIROS_CHECK_USAGE(n_sims >= 1, "iknn: n_sims must be at least 1");
  return std::make_unique<ItemKnn>(n_sims, lmbd, alpha, backfill);
}

}  // namespace kairos
