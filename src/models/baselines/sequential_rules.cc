// Sequential Rules (Ludewig & Jannach 2018; session-rec SequentialRules): a rule a -> b gains
// weight w(d) whenever b follows a at distance d <= steps in a training session; rules of each
// item are pruned to the `pruning` strongest. Prediction: the rules of the session's last item.
#include <cmath>
#include <string>

#include "models/baselines/baselines.h"
#include "models/baselines/item_rules.h"
#include "models/baselines/popularity.h"
#include "models/hparams.h"

namespace kairos {
namespace {

double distance_weight(const std::string& w, int d) {
  if (w == "div") return 1.0 / d;
  if (w == "linear") return d <= 100 ? 1.0 - 0.1 * d : 0.0;
  if (w == "same") return 1.0;
  if (w == "log") return 1.0 / std::log10(d + 1.7);
  return 1.0 / (static_cast<double>(d) * d);  // quadratic
}

class SequentialRules final : public SessionModel {
 public:
  SequentialRules(int steps, std::string weighting, int pruning, bool backfill)
      : steps_(steps), weighting_(std::move(weighting)), pruning_(pruning), backfill_(backfill) {}
  std::string name() const override { return "sr"; }
  void fit(const Dataset& data, const SessionSet& train) override {
    const uint32_t n = data.num_items();
    // Pairs (a, b, distance) grouped by a, then accumulated densely per a.
    std::vector<std::vector<std::pair<uint32_t, uint8_t>>> follow(n);
    for (size_t s = 0; s < train.size(); ++s) {
      const auto items = train[s].items;
      for (size_t i = 1; i < items.size(); ++i) {
        for (int d = 1; d <= steps_ && static_cast<size_t>(d) <= i; ++d) {
          follow[items[i - d]].push_back({items[i], static_cast<uint8_t>(d)});
        }
      }
    }
    std::vector<float> dense(n, 0.0f);
    std::vector<uint32_t> touched;
    rules_ = ItemRules();
    for (uint32_t a = 0; a < n; ++a) {
      for (const auto& [b, d] : follow[a]) {
        if (dense[b] == 0.0f) touched.push_back(b);
        dense[b] += static_cast<float>(distance_weight(weighting_, d));
      }
      std::vector<std::pair<uint32_t, uint8_t>>().swap(follow[a]);
      rules_.add_row(dense, touched, static_cast<size_t>(std::max(0, pruning_)));
    }
    pop_ = normalized_popularity(train, n);
  }
  void score(const SessionQuery& q, std::span<float> scores) const override {
    reset_scores(scores);
    thread_local std::vector<uint8_t> touched;
    touched.assign(scores.size(), 0);
    if (!q.items.empty()) rules_.add_to(q.items.back(), scores, touched);
    if (backfill_) popularity_backfill(scores, touched, pop_);
  }

 private:
  int steps_;
  std::string weighting_;
  int pruning_;
  bool backfill_;
  ItemRules rules_;
  std::vector<float> pop_;
};

}  // namespace

std::unique_ptr<SessionModel> make_sequential_rules(const nlohmann::json& hparams) {
  Hparams h(hparams, "sr");
  const int steps = h.get<int>("steps", 10);
  const auto weighting = h.get<std::string>("weighting", "div");
  const int pruning = h.get<int>("pruning", 20);
  const bool backfill = h.get<bool>("backfill", true);
  h.finish();
  KAIROS_CHECK_USAGE(steps >= 1 && steps <= 255, "sr: steps must be in 1..255");
  KAIROS_CHECK_USAGE(weighting == "div" || weighting == "linear" || weighting == "same" ||
                         weighting == "log" || weighting == "quadratic",
                     "sr: weighting must be div, linear, same, log or quadratic");
  return std::make_unique<SequentialRules>(steps, weighting, pruning, backfill);
}

}  // namespace kairos
