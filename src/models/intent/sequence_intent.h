// Sequence models of the purchase-intent task (docs/TASKS.md): P(target | the prefix's events),
// read from the events themselves instead of the feature rows of intent_classifier.h. The deep
// one (`gru`, the interest model of models/deep/interest_gru.cc with the intent head alone, seen
// through models/interest/interest_views.h) is made by make_sequence_intent_model
// (models/factory.h) and trained by the trainer, which early-stops it on the validation log-loss.
#pragma once

#include <cstdint>
#include <string>

#include "data/dataset.h"
#include "tasks/intent_targets.h"

namespace kairos {

class SequenceIntentModel {
 public:
  virtual ~SequenceIntentModel() = default;
  virtual std::string name() const = 0;
  // Learns P(`target` after each prefix) from data.train() (early stopping on data.valid()).
  virtual void fit(const Dataset& data, IntentTarget target, uint32_t within) = 0;
  // P(target) after the first `prefix` events of `session`; const and thread-safe.
  virtual double predict(const SessionView& session, uint32_t prefix) const = 0;
};

}  // namespace kairos
