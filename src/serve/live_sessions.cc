#include "serve/live_sessions.h"

#include <algorithm>

namespace kairos {

LiveSessions::LiveSessions(SessionStoreOptions o, std::unique_ptr<RedisEventLog> redis)
    : local_(o), redis_(std::move(redis)), ttl_(o.ttl), max_events_(o.max_events) {}

namespace {

// Keeps the most recent `max_events` events of a state's list.
void trim(SessionState& s, size_t max_events) {
  if (s.items.size() <= max_events) return;
  const auto drop = static_cast<std::ptrdiff_t>(s.items.size() - max_events);
  s.items.erase(s.items.begin(), s.items.begin() + drop);
  if (!s.types.empty()) s.types.erase(s.types.begin(), s.types.begin() + drop);
  if (!s.ts_ms.empty()) s.ts_ms.erase(s.ts_ms.begin(), s.ts_ms.begin() + drop);
}

}  // namespace

void LiveSessions::register_model(const ServedModel& m) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(names_mu_);
  for (auto it = names_.begin(); it != names_.end();) {
    if (it->second.superseded == std::chrono::steady_clock::time_point::max()) {
      it->second.superseded = now;
    }
    it = now - it->second.superseded > ttl_ ? names_.erase(it) : std::next(it);
  }
  names_[m.version].items =
      std::make_shared<const std::vector<std::string>>(m.artifact.items.names());
}

std::unique_ptr<SessionState> LiveSessions::replay_local(const LiveSession& s,
                                                         const ServedModel& m) {
  const SessionModel& model = *m.artifact.model;
  auto fresh = model.start();
  std::shared_ptr<const std::vector<std::string>> old;
  {
    std::lock_guard lock(names_mu_);
    if (auto it = names_.find(s.model_version); it != names_.end()) old = it->second.items;
  }
  if (!old || !s.state) return fresh;  // names forgotten: the session expired long ago
  const SessionState& st = *s.state;
  for (size_t i = 0; i < st.items.size(); ++i) {
    const uint32_t item = st.items[i] < old->size() ? m.find((*old)[st.items[i]]) : 0;
    if (item != 0) model.observe(*fresh, item, st.types[i], st.ts_ms[i]);
  }
  return fresh;
}

void LiveSessions::for_each_session(const ServedModel& m, size_t max_events,
                                    const SessionVisitor& fn) {
  std::map<uint64_t, std::shared_ptr<const std::vector<std::string>>> names;
  {
    std::lock_guard lock(names_mu_);
    for (const auto& [version, n] : names_) names.emplace(version, n.items);
  }
  std::vector<uint32_t> items;
  std::vector<uint8_t> types;
  local_.for_each([&](const std::string& key, const LiveSession& s) {
    if (!s.state || s.state->items.empty()) return true;
    const SessionState& st = *s.state;
    const size_t first = st.items.size() > max_events ? st.items.size() - max_events : 0;
    if (s.model_version == m.version) {
      return fn(key, std::span<const uint32_t>(st.items).subspan(first),
                std::span<const uint8_t>(st.types).subspan(first));
    }
    const auto it = names.find(s.model_version);
    if (it == names.end() || !it->second) return true;  // names forgotten: expired long ago
    items.clear();
    types.clear();
    for (size_t i = first; i < st.items.size(); ++i) {
      const uint32_t item =
          st.items[i] < it->second->size() ? m.find((*it->second)[st.items[i]]) : 0;
      if (item == 0) continue;
      items.push_back(item);
      types.push_back(st.types[i]);
    }
    return items.empty() || fn(key, items, types);
  });
}

std::unique_ptr<SessionState> LiveSessions::replay_log(const RedisEventLog::Log& log,
                                                       const ServedModel& m) {
  const SessionModel& model = *m.artifact.model;
  auto fresh = model.start();
  for (const auto& e : log.events) {
    if (const uint32_t item = m.find(e.item_id); item != 0)
      model.observe(*fresh, item, e.type, e.ts_ms);
  }
  return fresh;
}

LiveSessions::Outcome LiveSessions::add(const std::string& key, const std::string& event_id,
                                        uint32_t item, uint8_t type,
                                        std::optional<int64_t> client_ts, int64_t now_ms,
                                        const ServedModel& m) {
  const SessionModel& model = *m.artifact.model;
  if (!redis_) {
    Outcome out = Outcome::kAccepted;
    local_.update(key, [&](LiveSession& s) {
      if (!event_id.empty() && s.seen_event(event_id)) {
        out = Outcome::kDuplicate;
        return;
      }
      const int64_t ts_ms = client_ts ? *client_ts : std::max(now_ms, s.last_ts_ms);
      if (ts_ms < s.last_ts_ms) {
        out = Outcome::kOutOfOrder;
        return;
      }
      if (!s.state || s.model_version != m.version) {
        s.state = replay_local(s, m);
        s.model_version = m.version;
      }
      model.observe(*s.state, item, type, ts_ms);
      trim(*s.state, max_events_);
      s.last_ts_ms = ts_ms;
      if (!event_id.empty()) s.remember_event(event_id);
    });
    return out;
  }
  const auto r =
      redis_->append(key, event_id, {client_ts.value_or(now_ms), type, m.artifact.items.name(item)},
                     !client_ts.has_value());
  if (r.status == RedisEventLog::Status::kDuplicate) return Outcome::kDuplicate;
  if (r.status == RedisEventLog::Status::kOutOfOrder) return Outcome::kOutOfOrder;
  local_.update(key, [&](LiveSession& s) {
    if (s.state && s.model_version == m.version && s.seq + 1 == r.seq) {
      model.observe(*s.state, item, type, r.ts_ms);  // this replica has the log up to now
      trim(*s.state, max_events_);
      s.seq = r.seq;
    }
    // Otherwise the cached state is behind (another replica's events, or a concurrent append of
    // this one that has not reached the cache yet) and stays as it is: the next read fetches
    // the events it lacks.
  });
  return Outcome::kAccepted;
}

std::unique_ptr<SessionState> LiveSessions::snapshot(const std::string& key, const ServedModel& m) {
  const SessionModel& model = *m.artifact.model;
  std::unique_ptr<SessionState> out;
  if (!redis_) {
    // Scoring runs on the copy, outside the shard lock. A session built under an older model is
    // re-encoded once and kept (not replayed on every read, and not lost when the old model's
    // names are forgotten after later reloads).
    local_.update_existing(key, [&](LiveSession& s) {
      if (!s.state) return;
      if (s.model_version != m.version) {
        s.state = replay_local(s, m);
        s.model_version = m.version;
      }
      out = model.clone_state(*s.state);
    });
    return out;
  }
  // The cached state (a copy) and the log position it reflects; then one round trip for the
  // events after it. A cache that is current or a few events behind costs no replay.
  uint64_t cached_seq = 0;
  local_.read(key, [&](const LiveSession& s) {
    if (s.state && s.seq > 0 && s.model_version == m.version) {
      out = model.clone_state(*s.state);
      cached_seq = s.seq;
    }
  });
  const RedisEventLog::Log log = redis_->fetch(key, cached_seq);
  if (log.seq == 0) return nullptr;  // no such session (or it expired in Redis)
  if (out && log.seq == cached_seq) return out;
  const bool catch_up = out && log.seq > cached_seq && log.first_seq() == cached_seq + 1;
  if (catch_up) {
    for (const auto& e : log.events) {
      if (const uint32_t item = m.find(e.item_id); item != 0)
        model.observe(*out, item, e.type, e.ts_ms);
    }
    trim(*out, max_events_);
  } else {
    out = replay_log(log, m);
  }
  std::unique_ptr<SessionState> keep = model.clone_state(*out);
  local_.update(key, [&](LiveSession& s) {
    if (s.state && s.model_version == m.version && s.seq >= log.seq) return;  // moved on
    s.state = std::move(keep);
    s.seq = log.seq;
    s.model_version = m.version;
  });
  return out;
}

std::string LiveSessions::unreachable_reason() {
  return redis_ ? redis_->unreachable_reason() : "";
}

}  // namespace kairos
