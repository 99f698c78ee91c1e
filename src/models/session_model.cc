#include "models/session_model.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "core/error.h"

namespace kairos {
namespace {

constexpr uint32_t kStateMagic = 0x4b535431;  // "KST1": event-list state, version 1

template <typename T>
void append(std::string* out, const T* data, size_t n) {
  out->append(reinterpret_cast<const char*>(data), n * sizeof(T));
}

template <typename T>
void read_into(std::string_view* in, T* data, size_t n) {
  KAIROS_CHECK(in->size() >= n * sizeof(T), "session state truncated");
  std::memcpy(data, in->data(), n * sizeof(T));
  in->remove_prefix(n * sizeof(T));
}

}  // namespace

std::unique_ptr<SessionState> copy_events(const SessionState& state) {
  auto c = std::make_unique<SessionState>();
  c->items = state.items;
  c->types = state.types;
  c->ts_ms = state.ts_ms;
  return c;
}

void score_as_batch(const SessionModel& model, const SessionQuery& query, std::span<float> scores) {
  SessionState s;
  s.items.assign(query.items.begin(), query.items.end());
  s.types.assign(query.types.begin(), query.types.end());
  s.ts_ms.assign(query.ts_ms.begin(), query.ts_ms.end());
  const SessionState* one = &s;
  model.score_batch(std::span<const SessionState* const>(&one, 1), scores);
}

void reset_scores(std::span<float> scores) {
  std::fill(scores.begin(), scores.end(), 0.0f);
  if (!scores.empty()) scores[0] = -std::numeric_limits<float>::infinity();
}

void SessionModel::score_batch(std::span<const SessionState* const> states,
                               std::span<float> scores) const {
  KAIROS_CHECK_USAGE(!states.empty() && scores.size() % states.size() == 0,
                     "score_batch: {} scores are not rows for {} states", scores.size(),
                     states.size());
  const size_t n = scores.size() / states.size();
  for (size_t b = 0; b < states.size(); ++b) score(*states[b], scores.subspan(b * n, n));
}

std::vector<float> SessionModel::query_vector(const SessionState&) const {
  KAIROS_THROW(ErrorKind::kUsage, "{} has no retrieval form (item_vectors)", name());
}

std::string SessionModel::save_state(const SessionState& state) const {
  std::string out;
  const uint32_t header[2] = {kStateMagic, static_cast<uint32_t>(state.items.size())};
  append(&out, header, 2);
  append(&out, state.items.data(), state.items.size());
  append(&out, state.types.data(), state.types.size());
  append(&out, state.ts_ms.data(), state.ts_ms.size());
  return out;
}

std::unique_ptr<SessionState> SessionModel::load_state(std::string_view bytes) const {
  uint32_t header[2];
  read_into(&bytes, header, 2);
  KAIROS_CHECK(header[0] == kStateMagic, "not a session state of model {}", name());
  const size_t n = header[1];
  KAIROS_CHECK(bytes.size() == n * (sizeof(uint32_t) + 1 + sizeof(int64_t)),
               "session state of {} events has {} bytes", n, bytes.size());
  std::vector<uint32_t> items(n);
  std::vector<uint8_t> types(n);
  std::vector<int64_t> ts(n);
  read_into(&bytes, items.data(), n);
  read_into(&bytes, types.data(), n);
  read_into(&bytes, ts.data(), n);
  // Replay through observe() so that models with derived state rebuild it.
  auto state = start();
  for (size_t i = 0; i < n; ++i) observe(*state, items[i], types[i], ts[i]);
  return state;
}

std::vector<EventAttribution> SessionModel::explain(const SessionState& state, uint32_t item,
                                                    uint32_t num_items, size_t max_events) const {
  const SessionQuery full = state.query();
  const size_t n = full.items.size();
  if (n == 0 || item == 0 || item >= num_items) return {};
  std::vector<float> scores(num_items);
  score(full, scores);
  const float base = scores[item];
  std::vector<EventAttribution> out;
  std::vector<uint32_t> items;
  std::vector<uint8_t> types;
  std::vector<int64_t> ts;
  for (size_t drop = n > max_events ? n - max_events : 0; drop < n; ++drop) {
    items.clear();
    types.clear();
    ts.clear();
    for (size_t i = 0; i < n; ++i) {
      if (i == drop) continue;
      items.push_back(full.items[i]);
      if (!full.types.empty()) types.push_back(full.types[i]);
      if (!full.ts_ms.empty()) ts.push_back(full.ts_ms[i]);
    }
    score(SessionQuery{items, types, ts, full.user}, scores);
    const float without = scores[item];
    const float weight = std::isfinite(without) ? base - without : base;
    out.push_back({static_cast<uint32_t>(drop), full.items[drop], weight,
                   "score drops by this much without this event"});
  }
  return out;
}

void SessionModel::save_weights(const std::string& path) const {
  KAIROS_THROW(ErrorKind::kUsage, "model {} has no weights to save (it refits from the data)",
               name());
}

void SessionModel::load_weights(const std::string& path, uint32_t num_items) {
  KAIROS_THROW(ErrorKind::kUsage, "model {} has no saved weights to load", name());
}

void SessionModel::grow_items(uint32_t, std::span<const uint32_t>) {
  KAIROS_THROW(ErrorKind::kUsage, "model {} cannot warm-start (gru4rec and sasrec can)", name());
}

}  // namespace kairos
