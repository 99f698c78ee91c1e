// Pop: training popularity, the same list for every session.
#include <algorithm>

#include "models/baselines/baselines.h"
#include "models/baselines/popularity.h"
#include "models/config_reader.h"

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
    const size_t n = std::min(scores.size(), pop_.size());
    std::copy(pop_.begin() + 1, pop_.begin() + static_cast<std::ptrdiff_t>(n), scores.begin() + 1);
  }

 private:
  std::vector<float> pop_;
};

}  // namespace

std::unique_ptr<SessionModel> make_pop(const nlohmann::json& hparams) {
  ConfigReader(hparams, "pop").finish();
  return std::make_unique<Pop>();
}

}  // namespace kairos
