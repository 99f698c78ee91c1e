// Markov: first-order transitions, last item -> next item, counted over consecutive training
// events (self-transitions included) and pruned to each item's `pruning` most frequent
// successors, ties to the first seen (session-rec's MarkovModel, pruning=20). Only those
// successors score; everything else ties at 0, which conservative tie counting ranks below the
// target. `pop_tiebreak` adds 0.5 * normalized popularity (< 1, below any count difference) so
// ties and unseen items are ordered by popularity instead.
#include <algorithm>

#include "models/baselines/baselines.h"
#include "models/baselines/item_rules.h"
#include "models/baselines/popularity.h"
#include "models/config_reader.h"

namespace kairos {
namespace {

class Markov final : public SessionModel {
 public:
  Markov(int pruning, bool pop_tiebreak) : pruning_(pruning), pop_tiebreak_(pop_tiebreak) {}
  std::string name() const override { return pop_tiebreak_ ? "markov+pop" : "markov"; }

  void fit(const Dataset& data, const SessionSet& train) override {
    rules_ = mine_sequential_rules(train, data.num_items(), /*steps=*/1, Decay::kSame,
                                   static_cast<size_t>(pruning_));
    tiebreak_.clear();
    if (pop_tiebreak_) {
      tiebreak_ = normalized_popularity(train, data.num_items());
      for (float& p : tiebreak_) p *= 0.5f;
    }
  }

  void score(const SessionQuery& q, std::span<float> scores) const override {
    const uint32_t last = q.items.empty() ? 0 : q.items.back();
    if (!pop_tiebreak_) {
      rules_.score(last, /*fill=*/nullptr, scores);
      return;
    }
    reset_scores(scores);
    const size_t n = std::min(scores.size(), tiebreak_.size());
    std::copy(tiebreak_.begin() + 1, tiebreak_.begin() + static_cast<std::ptrdiff_t>(n),
              scores.begin() + 1);
    const auto t = rules_.targets(last);
    const auto w = rules_.weights(last);
    for (size_t k = 0; k < t.size(); ++k) {
      if (t[k] < scores.size()) scores[t[k]] += w[k];
    }
  }

 private:
  int pruning_;
  bool pop_tiebreak_;
  ItemRules rules_;
  std::vector<float> tiebreak_;  // 0.5 * normalized popularity (pop_tiebreak only)
};

}  // namespace

std::unique_ptr<SessionModel> make_markov(const nlohmann::json& hparams) {
  ConfigReader h(hparams, "markov");
  const int pruning = h.get<int>("pruning", 20);
  const bool tiebreak = h.get<bool>("pop_tiebreak", false);
  h.finish();
  KAIROS_CHECK_USAGE(pruning >= 0, "markov: pruning must be >= 0 (0 keeps every successor)");
  return std::make_unique<Markov>(pruning, tiebreak);
}

}  // namespace kairos
