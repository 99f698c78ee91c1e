// Sequential Rules (Ludewig & Jannach 2018; session-rec SequentialRules): a rule a -> b gains
// weight w(d) whenever b follows a at distance d <= steps in a training session (w: decay.h,
// default div = 1/d); each item keeps its `pruning` strongest rules. Prediction: the rules of
// the session's last item, other items back-filled by popularity below them.
#include <string>

#include "models/baselines/baselines.h"
#include "models/baselines/item_rules.h"
#include "models/baselines/popularity.h"
#include "models/config_reader.h"

namespace kairos {
namespace {

class SequentialRules final : public SessionModel {
 public:
  SequentialRules(int steps, Decay weighting, int pruning, bool backfill)
      : steps_(steps), weighting_(weighting), pruning_(pruning), backfill_(backfill) {}
  std::string name() const override { return "sr"; }

  void fit(const Dataset& data, const SessionSet& train) override {
    rules_ = mine_sequential_rules(train, data.num_items(), steps_, weighting_,
                                   static_cast<size_t>(pruning_));
    if (backfill_) fill_.build(train, data.num_items());
  }

  void score(const SessionQuery& q, std::span<float> scores) const override {
    rules_.score(q.items.empty() ? 0 : q.items.back(), backfill_ ? &fill_ : nullptr, scores);
  }

 private:
  int steps_;
  Decay weighting_;
  int pruning_;
  bool backfill_;
  ItemRules rules_;
  PopularityFill fill_;
};

}  // namespace

std::unique_ptr<SessionModel> make_sequential_rules(const nlohmann::json& hparams) {
  ConfigReader h(hparams, "sr");
  const int steps = h.get<int>("steps", 10);
  const auto weighting = h.get<std::string>("weighting", "div");
  const int pruning = h.get<int>("pruning", 20);
  const bool backfill = h.get<bool>("backfill", true);
  h.finish();
  KAIROS_CHECK_USAGE(steps >= 1 && steps <= 1000, "sr: steps must be in 1..1000");
  KAIROS_CHECK_USAGE(pruning >= 0, "sr: pruning must be >= 0 (0 keeps every rule)");
  return std::make_unique<SequentialRules>(steps, parse_decay(weighting, "sr", "weighting"),
                                           pruning, backfill);
}

}  // namespace kairos
