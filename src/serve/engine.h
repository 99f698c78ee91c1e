// The serving engine: what a session's state says — next items (retrieval, filters,
// explanations), the category distribution, the purchase probability and the next-action
// distribution — as plain structs, with no HTTP in sight. The server's handlers only decode a
// request, call these and encode the answer; `kairos predict` calls the same functions, so the
// command and the server agree by construction (tests/serve/engine_test.cc checks it).
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "index/top_k.h"
#include "models/session_model.h"
#include "serve/http_types.h"
#include "serve/served_model.h"

namespace kairos {

// A session given by its items (external ids, oldest first) and their types (empty: views), as a
// state of m's model. Unknown ids are skipped and listed in `unknown`; events get synthetic times
// one second apart. `deadline` is checked before each step.
std::unique_ptr<SessionState> stateless_state(const ServedModel& m,
                                              const std::vector<std::string>& ids,
                                              const std::vector<uint8_t>& types,
                                              std::vector<std::string>* unknown,
                                              const Deadline& deadline = Deadline::never());

struct ItemRequest {
  size_t k = 20;
  bool exclude_seen = false;
  bool explain = false;                 // attributions per returned item (the caller caps k)
  std::vector<std::string> categories;  // only items of these categories (empty: all)
};

struct RecommendedItem {
  uint32_t item = 0;
  float score = 0;
  std::vector<EventAttribution> explanation;
};

struct ItemAnswer {
  std::vector<RecommendedItem> items;
  bool fallback = false;   // the session is empty: the most popular items
  bool explained = false;  // explanations were asked for (and the session is not empty)
  // Category shares of the returned items (exp(score - best) weights), top 5 — what the items
  // say, not the interest model.
  std::vector<std::pair<uint32_t, double>> item_categories;
};

ItemAnswer recommend_items(const ServedModel& m, const SessionState& state, const ItemRequest& r,
                           const Deadline& deadline = Deadline::never());

// The k best items of a state: through the model's index when it has one, else by scoring every
// item; filters apply before top-K either way.
std::vector<ScoredItem> retrieve(const ServedModel& m, const SessionState& state, size_t k,
                                 const RetrievalFilter& filter);

// One interest profile: next items plus, when an interest model is loaded and the session has an
// event, its calibrated heads.
struct InterestProfile {
  ItemAnswer next;
  size_t events = 0;
  std::vector<std::pair<uint32_t, double>> categories;  // (interest category id, P), top first
  std::vector<double> next_action;                      // P per EventType; empty: no head
  double purchase = -1;                                 // P(target); -1: no head
  std::vector<float> latent;  // the next-item model's latent interest vector; empty: none
};

struct ProfileRequest {
  ItemRequest items;
  size_t top_categories = 10;
};

InterestProfile predict_profile(const ServedModel& m, const SessionState& state,
                                const ProfileRequest& r,
                                const Deadline& deadline = Deadline::never());

// The API's JSON (docs/API.md): items (id, score, category, explanation), categories, ...
nlohmann::json items_to_json(const ServedModel& m, const ItemAnswer& a);
nlohmann::json item_categories_to_json(const ServedModel& m, const ItemAnswer& a);
nlohmann::json profile_to_json(const ServedModel& m, const InterestProfile& p);

}  // namespace kairos
