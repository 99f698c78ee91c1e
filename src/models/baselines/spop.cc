// S-POP: items of the current session by how often they occurred in it; training popularity
// breaks ties and fills the rest (session-rec's SessionPop).
#include "models/baselines/baselines.h"
#include "models/baselines/popularity.h"
#include "models/hparams.h"

namespace kairos {
namespace {

class SessionPop final : public SessionModel {
 public:
  std::string name() const override { return "spop"; }
  void fit(const Dataset& data, const SessionSet& train) override {
    pop_ = normalized_popularity(train, data.num_items());
  }
  void score(const SessionQuery& q, std::span<float> scores) const override {
    reset_scores(scores);
    // Popularity lies in [0, 1]; scaled below 1 so one session occurrence outweighs it.
    for (size_t i = 1; i < scores.size() && i < pop_.size(); ++i) scores[i] = 0.5f * pop_[i];
    for (uint32_t item : q.items) scores[item] += 1.0f;
  }

 private:
  std::vector<float> pop_;
};

}  // namespace

std::unique_ptr<SessionModel> make_spop(const nlohmann::json& hparams) {
  Hparams(hparams, "spop").finish();
  return std::make_unique<SessionPop>();
}

}  // namespace kairos
