// Pop: training popularity, the same list for every session.
#include "models/baselines/baselines.h"
#include "models/baselines/popularity.h"
#include "models/hparams.h"

namespace kairos {
namespace {

class Pop final : public SessionModel {
 public:
  std::string name() const override { return "pop"; }
  void fit(const Dataset& data, const SessionSet& train) override {
    pop_ = normalized_popularity(train, data.num_items());
  }
  void score(const SessionQuery&, std::span<float> scores) const override {
    reset_scores(scores);
    for (size_t i = 1; i < scores.size() && i < pop_.size(); ++i) scores[i] = pop_[i];
  }

 private:
  std::vector<float> pop_;
};

}  // namespace

std::unique_ptr<SessionModel> make_pop(const nlohmann::json& hparams) {
  Hparams(hparams, "pop").finish();
  return std::make_unique<Pop>();
}

}  // namespace kairos
