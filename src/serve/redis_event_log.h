// The shared session store of `kairos serve --redis HOST:PORT`: each session's event log lives in
// Redis, so several replicas serve the same shoppers. Per session (keys share one hash tag, so a
// Redis Cluster keeps them in one slot):
//   kairos:{<hex session key>}:log   list of events ("<ts_ms> [type, item_id]"), last max_events
//   kairos:{<hex session key>}:meta  hash: seq (events appended so far), last_ts
//   kairos:{<hex session key>}:ids   set of event ids seen (duplicates are ignored)
// All three expire after `ttl` idle seconds. Appends run as one Lua script, so the duplicate check,
// the timestamp-order check and the append are atomic across replicas.
//
// Events carry external item ids, not model indices: a replica with another model version (or a
// reloaded catalogue) replays the same log. Model states are derived data each replica caches.
//
// Failure: any connection or protocol problem throws StoreUnavailable; the server answers 503 and
// the client retries (with event ids, a retry of an event that did land is a duplicate). An event
// counts as accepted only after Redis confirmed the append, so durability across a Redis restart
// is Redis's own (run it with appendonly yes; the tests use appendfsync always).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

struct redisContext;

namespace kairos {

class StoreUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct RedisOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string prefix = "kairos";
  std::chrono::seconds ttl{1800};
  size_t max_events = 1000;  // per session log (older events are trimmed)
  std::chrono::milliseconds connect_timeout{200}, command_timeout{500};
  size_t max_idle_connections = 64;
};

// "host:port", "redis://host:port" or "host" (port 6379).
RedisOptions parse_redis_address(const std::string& address);

struct LoggedEvent {
  int64_t ts_ms = 0;
  uint8_t type = 0;
  std::string item_id;  // external id
};

class RedisEventLog {
 public:
  explicit RedisEventLog(RedisOptions o);
  ~RedisEventLog();
  RedisEventLog(const RedisEventLog&) = delete;
  RedisEventLog& operator=(const RedisEventLog&) = delete;

  enum class Status { kAppended, kDuplicate, kOutOfOrder };
  struct Appended {
    Status status = Status::kAppended;
    uint64_t seq = 0;   // the log's sequence number after the append (kAppended only)
    int64_t ts_ms = 0;  // the time stored (kAppended only)
  };
  // Appends unless `event_id` (may be empty) was seen or e.ts_ms precedes the last event. With
  // `server_time` (the client sent no time), an e.ts_ms behind the last event becomes the last
  // event's time instead: concurrent requests must not reject each other's clock readings.
  Appended append(const std::string& session_key, const std::string& event_id, const LoggedEvent& e,
                  bool server_time = false);

  // The log's sequence number (0: no such session).
  uint64_t seq(const std::string& session_key);
  // The sequence number and events, read atomically: the events after `after_seq` when the log
  // still holds them all (a replica catching up), else every retained event.
  struct Log {
    uint64_t seq = 0;  // of the last event (0: no such session)
    std::vector<LoggedEvent> events;
    uint64_t first_seq() const { return seq + 1 - events.size(); }
  };
  Log fetch(const std::string& session_key, uint64_t after_seq = 0);

  // "" when Redis answers PING, else the reason.
  std::string unreachable_reason();
  const RedisOptions& options() const { return o_; }

 private:
  struct Connection;
  class Lease;
  std::unique_ptr<Connection> connect();
  std::string key(const std::string& session_key, const char* part) const;

  RedisOptions o_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace kairos
