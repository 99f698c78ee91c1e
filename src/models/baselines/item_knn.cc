// Item-kNN (Hidasi et al. 2016's baseline; session-rec ItemKNN): items are similar when they occur
// in the same sessions, sim(i, j) = |S_i ∩ S_j| / (|S_i|^alpha |S_j|^(1-alpha) + lambda); each
// item keeps its n_sims most similar items. Prediction: the neighbours of the last item.
#include <algorithm>
#include <cmath>

#include "models/baselines/baselines.h"
#include "models/baselines/item_rules.h"
#include "models/baselines/popularity.h"
#include "models/hparams.h"

namespace kairos {
namespace {

class ItemKnn final : public SessionModel {
 public:
  ItemKnn(int n_sims, double lambda, double alpha, bool backfill)
      : n_sims_(n_sims), lambda_(lambda), alpha_(alpha), backfill_(backfill) {}
  std::string name() const override { return "iknn"; }
  void fit(const Dataset& data, const SessionSet& train) override {
    const uint32_t n = data.num_items();
    // Unique items per session, and sessions per item.
    std::vector<std::vector<uint32_t>> session_items(train.size());
    std::vector<std::vector<uint32_t>> item_sessions(n);
    for (size_t s = 0; s < train.size(); ++s) {
      auto& u = session_items[s];
      u.assign(train[s].items.begin(), train[s].items.end());
      std::sort(u.begin(), u.end());
      u.erase(std::unique(u.begin(), u.end()), u.end());
      for (uint32_t i : u) item_sessions[i].push_back(static_cast<uint32_t>(s));
    }
    std::vector<float> dense(n, 0.0f);
    std::vector<uint32_t> touched;
    sims_ = ItemRules();
    for (uint32_t i = 0; i < n; ++i) {
      for (uint32_t s : item_sessions[i]) {
        for (uint32_t j : session_items[s]) {
          if (j == i) continue;
          if (dense[j] == 0.0f) touched.push_back(j);
          dense[j] += 1.0f;
        }
      }
      const double si = std::pow(static_cast<double>(item_sessions[i].size()), alpha_);
      for (uint32_t j : touched) {
        const double sj = std::pow(static_cast<double>(item_sessions[j].size()), 1.0 - alpha_);
        dense[j] = static_cast<float>(dense[j] / (si * sj + lambda_));
      }
      sims_.add_row(dense, touched, static_cast<size_t>(std::max(0, n_sims_)));
    }
    pop_ = normalized_popularity(train, n);
  }
  void score(const SessionQuery& q, std::span<float> scores) const override {
    reset_scores(scores);
    thread_local std::vector<uint8_t> touched;
    touched.assign(scores.size(), 0);
    if (!q.items.empty()) sims_.add_to(q.items.back(), scores, touched);
    if (backfill_) popularity_backfill(scores, touched, pop_);
  }

 private:
  int n_sims_;
  double lambda_, alpha_;
  bool backfill_;
  ItemRules sims_;
  std::vector<float> pop_;
};

}  // namespace

std::unique_ptr<SessionModel> make_item_knn(const nlohmann::json& hparams) {
  Hparams h(hparams, "iknn");
  const int n_sims = h.get<int>("n_sims", 100);
  const double lambda = h.get<double>("lambda", 20.0);
  const double alpha = h.get<double>("alpha", 0.5);
  const bool backfill = h.get<bool>("backfill", true);
  h.finish();
  return std::make_unique<ItemKnn>(n_sims, lambda, alpha, backfill);
}

}  // namespace kairos
