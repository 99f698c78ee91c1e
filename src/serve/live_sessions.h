// The live sessions behind the API: applies events and hands out private copies of a session's
// model state, over one of two stores.
//  - memory (the embedded default): each session's model state lives in a MemorySessionStore
//    (sharded, TTL, LRU); duplicates and timestamp order are checked against it.
//  - Redis (`--redis`): each session's event log lives in Redis (RedisEventLog), shared by every
//    replica and the source of truth; a replica caches the derived model state in its
//    MemorySessionStore, tagged with the log's sequence number, applies its own appends as one
//    incremental step, and replays the log when another replica has moved it on.
// A reload bumps the model version; a session built under an older version is replayed into the
// new model by external item id (items the new catalogue lacks are skipped), so a retrained model
// with a different catalogue keeps every live session.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "serve/redis_event_log.h"
#include "serve/served_model.h"
#include "serve/session_store.h"

namespace kairos {

class LiveSessions {
 public:
  // `redis` null: the memory store.
  LiveSessions(SessionStoreOptions o, std::unique_ptr<RedisEventLog> redis);

  // Call with every model the server installs (the first load and each reload).
  void register_model(const ServedModel& m);

  enum class Outcome { kAccepted, kDuplicate, kOutOfOrder };
  // Applies one event (item already resolved against `m`). Without a client time (`ts_ms` empty)
  // the event gets `now_ms`, moved up to the session's last time if a concurrent request got
  // there first. Throws StoreUnavailable (Redis mode).
  Outcome add(const std::string& key, const std::string& event_id, uint32_t item, uint8_t type,
              std::optional<int64_t> ts_ms, int64_t now_ms, const ServedModel& m);

  // A private copy of the session's state under model `m`, or null when there is no such session.
  // Never creates a session. Throws StoreUnavailable (Redis mode).
  std::unique_ptr<SessionState> snapshot(const std::string& key, const ServedModel& m);

  // Every live session held here — in Redis mode only the sessions this replica has cached —
  // as item indices of `m` and types, oldest first, at most the last `max_events`. A session
  // built under an earlier model is mapped by external id (items `m` lacks are dropped). Runs
  // under the session's shard lock; stops when fn returns false.
  using SessionVisitor = std::function<bool(const std::string& key, std::span<const uint32_t> items,
                                            std::span<const uint8_t> types)>;
  void for_each_session(const ServedModel& m, size_t max_events, const SessionVisitor& fn);

  // "" when the store is reachable, else the reason (readiness).
  std::string unreachable_reason();
  bool shared() const { return redis_ != nullptr; }
  // Sessions held locally (Redis mode: cached states), evictions, expirations.
  const MemorySessionStore& local() const { return local_; }
  MemorySessionStore& local() { return local_; }

 private:
  std::unique_ptr<SessionState> replay_local(const LiveSession& s, const ServedModel& m);
  std::unique_ptr<SessionState> replay_log(const RedisEventLog::Log& log, const ServedModel& m);

  MemorySessionStore local_;
  std::unique_ptr<RedisEventLog> redis_;
  std::chrono::seconds ttl_;
  size_t max_events_;

  // Item names of every model version a local session may still refer to (memory mode). A
  // version is forgotten once its successor has been installed for longer than the TTL: by then
  // every session built under it has expired.
  struct Names {
    std::shared_ptr<const std::vector<std::string>> items;
    std::chrono::steady_clock::time_point superseded = std::chrono::steady_clock::time_point::max();
  };
  std::mutex names_mu_;
  std::map<uint64_t, Names> names_;
};

}  // namespace kairos
