// S-POP: items of the current session by how often they occur in it; training popularity
// breaks ties and fills the rest (session-rec's SessionPop: count + supp / (supp + 1); here
// count + 0.5 * normalized popularity, the same order since both terms stay below 1).
#include <algorithm>

#include "models/baselines/baselines.h"
#include "models/baselines/popularity.h"
#include "models/config_reader.h"

namespace kairos {
namespace {

class SessionPop final : public SessionModel {
 public:
  std::string name() const override { return "spop"; }
  void fit(const Dataset& data, const SessionSet& train) override {
    half_pop_ = normalized_popularity(train, data.num_items());
    for (float& p : half_pop_) p *= 0.5f;  // < 1: one occurrence in the session outweighs it
  }
  void score(const SessionQuery& q, std::span<float> scores) const override {
    reset_scores(scores);
    const size_t n = std::min(scores.size(), half_pop_.size());
    std::copy(half_pop_.begin() + 1, half_pop_.begin() + static_cast<std::ptrdiff_t>(n),
              scores.begin() + 1);
    for (uint32_t item : q.items) {
      if (item != 0 && item < scores.size()) scores[item] += 1.0f;
    }
  }

 private:
  std::vector<float> half_pop_;
};

}  // namespace

std::unique_ptr<SessionModel> make_spop(const nlohmann::json& hparams) {
  ConfigReader(hparams, "spop").finish();
  return std::make_unique<SessionPop>();
}

}  // namespace kairos
