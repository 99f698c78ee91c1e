// SessionModel: the one interface every recommender in Kairos implements (baselines and deep
// models alike), so evaluation, prediction and serving treat them the same way.
//
// Contract:
//  - fit() learns from `train` (sessions of `data`); `data` gives vocabulary sizes and categories.
//  - score() fills `scores` (size = data.num_items()) for the next event of the session prefix
//    `query`; higher means more likely. scores[0] (padding) must be -infinity. score() is const and
//    thread-safe: the evaluator calls it from several threads on one fitted model.
//  - Incremental state (serving): start() / observe() / score(state) keep whatever the model needs
//    per live session. The default keeps the event list and re-scores the whole prefix; RNN models
//    override it to cost one recurrent step per event.
//  - save_state()/load_state() turn a state into bytes (a shared session store such as Redis keeps
//    them); the default stores the event lists, models with more state extend the encoding.
//  - explain() says which past events drove an item's score. The default is gradient-free
//    leave-one-out attribution (score drop when each past event is removed); models with a more
//    direct account (attention weights, neighbour sessions) override it.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "data/dataset.h"
#include "models/run_options.h"

namespace kairos {

// The events of a session seen so far (oldest first). `now_ms` is the time of the prediction
// (defaults to the last event's time); time-aware models (STAN) use it.
struct SessionQuery {
  std::span<const uint32_t> items;
  std::span<const uint8_t> types;  // may be empty: all views
  std::span<const int64_t> ts_ms;  // may be empty: no times
  uint32_t user = 0;
};

// Per-session incremental state; models derive their own.
struct SessionState {
  virtual ~SessionState() = default;
  std::vector<uint32_t> items;
  std::vector<uint8_t> types;
  std::vector<int64_t> ts_ms;
  SessionQuery query() const { return {items, types, ts_ms, 0}; }
  // Approximate memory of the state (the session store's byte bound); models with more state
  // add theirs.
  virtual size_t bytes() const {
    return sizeof(*this) + items.capacity() * sizeof(uint32_t) + types.capacity() +
           ts_ms.capacity() * sizeof(int64_t);
  }
};

// One past event's contribution to a recommended item.
struct EventAttribution {
  uint32_t position = 0;  // index of the event in the session
  uint32_t item = 0;      // the event's item
  float weight = 0;       // contribution (higher = more influence); scale is model-specific
  std::string reason;     // plain words a UI can show, e.g. "viewed together in 12 sessions"
};

class SessionModel {
 public:
  virtual ~SessionModel() = default;

  virtual std::string name() const = 0;
  virtual void fit(const Dataset& data, const SessionSet& train) = 0;
  // How the next fit() runs (threads, training log); models that train epochs use it, others
  // ignore it. Not part of the model: never saved (models/run_options.h).
  virtual void set_run_options(const RunOptions&) {}
  virtual void score(const SessionQuery& query, std::span<float> scores) const = 0;

  virtual std::unique_ptr<SessionState> start() const { return std::make_unique<SessionState>(); }
  virtual void observe(SessionState& state, uint32_t item, uint8_t type, int64_t ts_ms) const {
    state.items.push_back(item);
    state.types.push_back(type);
    state.ts_ms.push_back(ts_ms);
  }
  virtual void score(const SessionState& state, std::span<float> scores) const {
    score(state.query(), scores);
  }

  // Evaluation fast path. incremental(): observe() + score(state) after each event give the
  // scores score(query) gives for that prefix, at the cost of one step per event (RNNs), so the
  // evaluator walks a session once instead of re-encoding every prefix. score_batch(): several
  // states at once into row-major `scores` [states.size() x num_items]; the default scores one
  // state per row, models with an inner-product form override it with one matrix product.
  virtual bool incremental() const { return false; }
  virtual void score_batch(std::span<const SessionState* const> states,
                           std::span<float> scores) const;

  // An independent copy of a state (the server scores a copy outside the session's lock). The
  // default goes through save_state/load_state, which replays the events; models with derived
  // state override it with a direct copy.
  virtual std::unique_ptr<SessionState> clone_state(const SessionState& state) const {
    return load_state(save_state(state));
  }
  virtual std::string save_state(const SessionState& state) const;
  // Throws kairos::Error (kInput) on bytes that are not a state of this model.
  virtual std::unique_ptr<SessionState> load_state(std::string_view bytes) const;

  // `num_items` is the catalogue size (scores buffer length). At most `max_events` of the most
  // recent events are attributed.
  virtual std::vector<EventAttribution> explain(const SessionState& state, uint32_t item,
                                                uint32_t num_items, size_t max_events = 20) const;

  // Retrieval form. Models whose score(state) is an inner product <query_vector(state), row i of
  // item_vectors()> expose both, so the server can retrieve top-K through an index (index/) instead
  // of scoring every item. item_vectors() is row-major [num_items x dim] (row 0 = padding), or
  // empty (dim 0) when the model's scores are not of that form (the kNN and rule baselines).
  virtual std::vector<float> item_vectors(uint32_t& dim) const {
    dim = 0;
    return {};
  }
  virtual std::vector<float> query_vector(const SessionState& state) const;

  // A latent interest vector of the session for callers to compare, cluster or store (Mult-VAE:
  // the encoder's mean mu), or empty when the model has none. /v1/predict returns it as `latent`.
  virtual std::vector<float> interest_vector(const SessionState&) const { return {}; }

  // Artifacts (models/artifact.h). hparams(): the effective hyperparameters, enough to rebuild
  // the model with make_model(). training_report(): what fit() measured (epochs, speed), or null.
  virtual nlohmann::json hparams() const { return nlohmann::json::object(); }
  virtual nlohmann::json training_report() const { return nullptr; }
  // Writes / reads the learned weights (model.pt) of a model for `num_items` items. Models without
  // saved weights (the baselines, which refit in seconds) throw kUsage.
  virtual void save_weights(const std::string& path) const;
  virtual void load_weights(const std::string& path, uint32_t num_items);

  // Warm start (`kairos train --warm-start`, docs/ONLINE.md), after load_weights(): grows the
  // item tables to `num_items` rows. Rows below the loaded size keep their weights and optimiser
  // state; a new row i starts at the mean of the loaded rows of its category `item_category[i]`
  // (0 = unknown: the mean of all loaded rows), with fresh optimiser state. The next fit()
  // continues from these weights instead of initialising. Models that cannot throw kUsage.
  virtual void grow_items(uint32_t num_items, std::span<const uint32_t> item_category);
};

// Sets every score to 0 and the padding index 0 to -infinity.
void reset_scores(std::span<float> scores);

// For models whose state is the event list and whose score_batch() encodes it (SR-GNN,
// Mult-VAE): a plain copy of the lists, and score(query) as a batch of one.
std::unique_ptr<SessionState> copy_events(const SessionState& state);
void score_as_batch(const SessionModel& model, const SessionQuery& query, std::span<float> scores);

}  // namespace kairos
