#include "serve/api_request.h"

#include <fmt/format.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>

#include "core/event_type.h"
#include "core/valid_id.h"

namespace kairos {
namespace {

using nlohmann::json;

json parse(std::string_view body) {
  try {
    return json::parse(body.begin(), body.end());
  } catch (const json::parse_error& e) {
    // A clean reason without nlohmann's text, which quotes the (maybe invalid UTF-8) bytes read.
    const bool utf8 = std::string_view(e.what()).find("UTF-8") != std::string_view::npos;
    throw ApiError(400, fmt::format("malformed JSON{} at byte {}",
                                    utf8 ? " (invalid UTF-8 in a string)" : "", e.byte));
  } catch (const json::exception&) {
    throw ApiError(400, "malformed JSON");
  }
}

void check_fields(const json& j, const std::set<std::string>& allowed, const std::string& what) {
  for (const auto& [key, value] : j.items()) {
    if (allowed.count(key) == 0)
      throw ApiError(400, fmt::format("{}: unknown field '{}'", what, key));
  }
}

thread_local size_t g_max_id_bytes = 256;  // set by the decode_* entry points

const std::string& checked_id(const std::string& id, const std::string& what, const char* key) {
  if (id.size() > g_max_id_bytes)
    throw ApiError(400, fmt::format("{}: '{}' longer than {} bytes", what, key, g_max_id_bytes));
  if (const std::string_view why = id_problem(id); !why.empty())
    throw ApiError(400, fmt::format("{}: '{}' is not a usable id: {}", what, key, why));
  return id;
}

// An id may be given as a string or an integer.
std::string id_field(const json& j, const char* key, const std::string& what) {
  if (!j.contains(key) || j[key].is_null()) return "";
  const json& v = j[key];
  if (v.is_string()) return checked_id(v.get<std::string>(), what, key);
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_number_unsigned()) return std::to_string(v.get<uint64_t>());
  throw ApiError(400, fmt::format("{}: '{}' must be a string or an integer", what, key));
}

// An array of ids (strings or integers).
std::vector<std::string> id_list(const json& a, const char* error) {
  std::vector<std::string> out;
  for (const json& v : a) {
    if (v.is_string()) {
      out.push_back(checked_id(v.get<std::string>(), "id list", "item"));
    } else if (v.is_number_integer()) {
      out.push_back(std::to_string(v.get<int64_t>()));
    } else {
      throw ApiError(400, error);
    }
  }
  return out;
}

bool bool_field(const json& j, const char* key, bool fallback, const std::string& what) {
  if (!j.contains(key)) return fallback;
  if (!j[key].is_boolean())
    throw ApiError(400, fmt::format("{}: '{}' must be true or false", what, key));
  return j[key].get<bool>();
}

EventRequest decode_event(const json& j) {
  if (!j.is_object()) throw ApiError(400, "an event must be a JSON object");
  check_fields(j, {"event_id", "session_id", "user_id", "item_id", "type", "ts"}, "event");
  EventRequest e;
  e.event_id = id_field(j, "event_id", "event");
  e.session_id = id_field(j, "session_id", "event");
  e.user_id = id_field(j, "user_id", "event");
  e.item_id = id_field(j, "item_id", "event");
  if (e.session_id.empty() && e.user_id.empty())
    throw ApiError(400, "event: session_id or user_id is required");
  if (e.item_id.empty()) throw ApiError(400, "event: item_id is required");
  if (j.contains("type")) {
    if (!j["type"].is_string()) throw ApiError(400, "event: 'type' must be a string");
    const auto t = parse_event_type(j["type"].get<std::string>());
    if (!t)
      throw ApiError(400, fmt::format("event: unknown type '{}' (view, cart, fav, buy)",
                                      j["type"].get<std::string>()));
    e.type = static_cast<uint8_t>(*t);
  }
  if (j.contains("ts") && !j["ts"].is_null()) {
    if (!j["ts"].is_number_integer())
      throw ApiError(400, "event: 'ts' must be integer unix milliseconds");
    e.ts_ms = j["ts"].get<int64_t>();
    if (*e.ts_ms < 0) throw ApiError(400, "event: 'ts' must not be negative");
  }
  return e;
}

}  // namespace

EventBatch decode_events(std::string_view body, size_t max_events, size_t max_id_bytes) {
  g_max_id_bytes = max_id_bytes;
  json j = parse(body);
  if (j.is_object() && j.contains("events")) {
    check_fields(j, {"events"}, "request");
    j = j["events"];
    if (!j.is_array()) throw ApiError(400, "'events' must be an array");
  }
  if (j.is_object()) j = json::array({j});
  if (!j.is_array()) throw ApiError(400, "expected an event object or an array of events");
  if (j.empty()) throw ApiError(400, "no events");
  if (j.size() > max_events)
    throw ApiError(413, fmt::format("{} events in one request (at most {})", j.size(), max_events));
  EventBatch b;
  for (size_t i = 0; i < j.size(); ++i) {
    try {
      b.events.emplace_back(i, decode_event(j[i]));
    } catch (const ApiError& e) {
      b.rejected.push_back({i, e.what()});
    }
  }
  return b;
}

RecommendRequest decode_recommend(std::string_view body, size_t max_k, size_t max_id_bytes) {
  g_max_id_bytes = max_id_bytes;
  const json j = parse(body);
  if (!j.is_object()) throw ApiError(400, "expected a JSON object");
  check_fields(
      j, {"session_id", "user_id", "items", "types", "k", "exclude_seen", "explain", "filter"},
      "recommend");
  RecommendRequest r;
  r.session_id = id_field(j, "session_id", "recommend");
  r.user_id = id_field(j, "user_id", "recommend");
  if (j.contains("items")) {
    if (!j["items"].is_array())
      throw ApiError(400, "recommend: 'items' must be an array of item ids");
    r.stateless = true;
    r.items = id_list(j["items"], "recommend: 'items' must hold strings or integers");
  }
  if (j.contains("types")) {
    const json& t = j["types"];
    if (!r.stateless) throw ApiError(400, "recommend: 'types' goes with 'items'");
    if (!t.is_array() || t.size() != r.items.size())
      throw ApiError(400, "recommend: 'types' must be an array as long as 'items'");
    for (const auto& v : t) {
      const auto type = v.is_string() ? parse_event_type(v.get<std::string>()) : std::nullopt;
      if (!type) throw ApiError(400, "recommend: 'types' holds view, cart, fav or buy");
      r.types.push_back(static_cast<uint8_t>(*type));
    }
  }
  if (!r.stateless && r.session_id.empty() && r.user_id.empty()) {
    throw ApiError(400, "recommend: give session_id, user_id or items");
  }
  if (j.contains("k")) {
    if (!j["k"].is_number_integer()) throw ApiError(400, "recommend: 'k' must be an integer");
    const int64_t k = j["k"].get<int64_t>();
    if (k < 1 || static_cast<size_t>(k) > max_k)
      throw ApiError(400, fmt::format("recommend: 'k' must be in 1..{}", max_k));
    r.k = static_cast<size_t>(k);
  }
  r.exclude_seen = bool_field(j, "exclude_seen", false, "recommend");
  r.explain = bool_field(j, "explain", false, "recommend");
  if (j.contains("filter")) {
    const json& f = j["filter"];
    if (!f.is_object()) throw ApiError(400, "recommend: 'filter' must be an object");
    check_fields(f, {"categories"}, "filter");
    if (f.contains("categories")) {
      if (!f["categories"].is_array()) throw ApiError(400, "filter: 'categories' must be an array");
      r.categories = id_list(f["categories"], "filter: categories must be strings or integers");
    }
  }
  return r;
}

}  // namespace kairos
