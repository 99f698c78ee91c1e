// Markov: first-order transitions, last item -> next item, counted over consecutive training
// events (self-transitions included) and pruned to each item's `pruning` most frequent
// successors (session-rec's MarkovModel, pruning=20). Only those successors score; with
// `pop_tiebreak` a tiny popularity term orders tied and unseen items.
#include <algorithm>

#include "models/baselines/baselines.h"
#include "models/baselines/item_rules.h"
#include "models/baselines/popularity.h"
#include "models/hparams.h"

namespace kairos {
namespace {

class Markov final : public SessionModel {
 public:
  Markov(int pruning, bool pop_tiebreak) : pruning_(pruning), pop_tiebreak_(pop_tiebreak) {}
  std::string name() const override { return pop_tiebreak_ ? "markov+pop" : "markov"; }
  void fit(const Dataset& data, const SessionSet& train) override {
    const uint32_t n = data.num_items();
    std::vector<std::vector<uint32_t>> next(n);
    for (size_t s = 0; s < train.size(); ++s) {
      const auto items = train[s].items;
      for (size_t i = 0; i + 1 < items.size(); ++i) next[items[i]].push_back(items[i + 1]);
    }
    std::vector<float> dense(n, 0.0f);
    std::vector<uint32_t> touched;
    rules_ = ItemRules();
    for (uint32_t a = 0; a < n; ++a) {
      for (uint32_t b : next[a]) {
        if (dense[b] == 0.0f) touched.push_back(b);
        dense[b] += 1.0f;
      }
      std::vector<uint32_t>().swap(next[a]);
      rules_.add_row(dense, touched, static_cast<size_t>(std::max(0, pruning_)));
    }
    if (pop_tiebreak_) pop_ = normalized_popularity(train, n);
  }
  void score(const SessionQuery& q, std::span<float> scores) const override {
    reset_scores(scores);
    if (pop_tiebreak_) {
      for (size_t i = 1; i < scores.size(); ++i) scores[i] = 1e-3f * pop_[i];
    }
    if (q.items.empty()) return;
    thread_local std::vector<uint8_t> touched;
    touched.assign(scores.size(), 0);
    rules_.add_to(q.items.back(), scores, touched);
  }

 private:
  int pruning_;
  bool pop_tiebreak_;
  ItemRules rules_;
  std::vector<float> pop_;
};

}  // namespace

std::unique_ptr<SessionModel> make_markov(const nlohmann::json& hparams) {
  Hparams h(hparams, "markov");
  const int pruning = h.get<int>("pruning", 20);
  const bool tiebreak = h.get<bool>("pop_tiebreak", false);
  h.finish();
  return std::make_unique<Markov>(pruning, tiebreak);
}

}  // namespace kairos
