// Decoding of the JSON request bodies of the HTTP API (docs/API.md), separate from the server so
// that it can be tested and fuzzed on its own. Malformed JSON, wrong types, unknown fields and
// out-of-range values throw ApiError (HTTP 400 with the reason); a batch of events decodes every
// well-formed event and lists the others with their index and reason.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/valid_id.h"  // id_problem: the id rules shared with the readers

namespace kairos {

class ApiError : public std::runtime_error {
 public:
  ApiError(int status, const std::string& reason) : std::runtime_error(reason), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

struct EventRequest {
  std::string event_id;             // optional; duplicates within a session are ignored
  std::string session_id, user_id;  // at least one
  std::string item_id;
  uint8_t type = 0;              // EventType
  std::optional<int64_t> ts_ms;  // unix ms; absent = server time
  std::string key() const {
    return session_id.empty() ? "user:" + user_id : "session:" + session_id;
  }
};

struct Rejection {
  size_t index = 0;
  std::string reason;
};

struct EventBatch {
  std::vector<std::pair<size_t, EventRequest>> events;  // (index in the request, event)
  std::vector<Rejection> rejected;
};

// Body: one event object, an array of them, or {"events": [...]}. At most `max_events`; ids of
// at most `max_id_bytes` bytes.
EventBatch decode_events(std::string_view body, size_t max_events = 10000,
                         size_t max_id_bytes = 256);

struct RecommendRequest {
  std::string session_id, user_id;
  std::vector<std::string> items;  // stateless: the session's items, oldest first
  std::vector<uint8_t> types;      // stateless: their EventTypes (empty: all views)
  bool stateless = false;          // `items` was given
  size_t k = 20;
  bool exclude_seen = false;
  bool explain = false;
  std::vector<std::string> categories;  // filter: only items of these categories
  std::string key() const {
    return session_id.empty() ? "user:" + user_id : "session:" + session_id;
  }
};

RecommendRequest decode_recommend(std::string_view body, size_t max_k = 1000,
                                  size_t max_id_bytes = 256);

}  // namespace kairos
