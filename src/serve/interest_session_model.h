// A next-item model and an interest model as one SessionModel for serving: a live session's state
// holds both models' states, and each event costs one step of each (the interest model's state is
// a few floats). Everything next-item (scores, retrieval form, explanations) is the inner model's;
// the interest heads are read with interest_of(). The sessions' store, Redis replay and reload
// re-encoding (serve/live_sessions.h) see one model and need no change.
#pragma once

#include <memory>
#include <vector>

#include "models/artifact.h"
#include "models/session_model.h"

namespace kairos {

class InterestSessionModel final : public SessionModel {
 public:
  // `items`: the next-item model's catalogue. The interest model may have been trained on another
  // catalogue: items are matched by external id, and events of items it does not know leave its
  // state unchanged.
  InterestSessionModel(std::unique_ptr<SessionModel> next_item, const Vocab& items,
                       std::shared_ptr<const InterestArtifact> interest);

  const SessionModel& next_item() const { return *inner_; }
  const InterestModel& interest() const { return *interest_->model; }
  // The interest model's output for a state of this model (uncalibrated).
  InterestOutput interest_of(const SessionState& state) const;

  std::string name() const override { return inner_->name(); }
  void fit(const Dataset& data, const SessionSet& train) override;
  void score(const SessionQuery& query, std::span<float> scores) const override;
  std::unique_ptr<SessionState> start() const override;
  void observe(SessionState& state, uint32_t item, uint8_t type, int64_t ts_ms) const override;
  void score(const SessionState& state, std::span<float> scores) const override;
  bool incremental() const override { return inner_->incremental(); }
  void score_batch(std::span<const SessionState* const> states,
                   std::span<float> scores) const override;
  std::unique_ptr<SessionState> clone_state(const SessionState& state) const override;
  std::vector<EventAttribution> explain(const SessionState& state, uint32_t item,
                                        uint32_t num_items, size_t max_events) const override;
  std::vector<float> item_vectors(uint32_t& dim) const override {
    return inner_->item_vectors(dim);
  }
  std::vector<float> query_vector(const SessionState& state) const override;
  std::vector<float> interest_vector(const SessionState& state) const override;
  nlohmann::json hparams() const override { return inner_->hparams(); }
  nlohmann::json training_report() const override { return inner_->training_report(); }

 private:
  std::unique_ptr<SessionModel> inner_;
  std::shared_ptr<const InterestArtifact> interest_;
  // Next-item item index -> interest item index (0: the interest model has not seen the item).
  std::vector<uint32_t> to_interest_;
};

}  // namespace kairos
