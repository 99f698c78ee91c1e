// Live session state on the server. The embedded default is an in-memory store: sharded (one
// mutex per shard), each shard an LRU list with a time-to-live for idle sessions and a share of
// the global size bound; expired and evicted sessions are counted.
//
// A session holds the model's incremental state (GRU4Rec: the hidden state; kNN and attention
// models: the event list), the version of the model that built it (a reloaded model replays the
// events into a fresh state), and the ids of its recent events (duplicates are ignored). In Redis
// mode (serve/live_sessions.h) this store is each replica's cache of states derived from the log.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/siphash.h"
#include "models/session_model.h"

namespace kairos {

struct LiveSession {
  std::unique_ptr<SessionState> state;
  uint64_t model_version = 0;
  uint64_t seq = 0;  // Redis mode: the log sequence number `state` reflects (0: none)
  // Keyed 64-bit hashes of the most recent event ids (bounded: kRecentEventIds), not the ids:
  // a session's duplicate check costs 8 bytes an event however long the client's ids are.
  std::deque<uint64_t> recent_event_ids;
  int64_t last_ts_ms = INT64_MIN;
  static constexpr size_t kRecentEventIds = 256;
  bool seen_event(const std::string& id) const;
  void remember_event(const std::string& id);
  size_t bytes() const;  // approximate heap + object bytes (the store's memory bound)
};

struct SessionStoreOptions {
  std::chrono::seconds ttl{1800};  // idle time after which a session is dropped
  size_t max_sessions = 1'000'000;
  int shards = 16;
  // Events a session keeps (the most recent; the same bound as the Redis log). RNN states have
  // consumed every event; the list serves exclude_seen, explanations and list-based models.
  size_t max_events = 1000;
  // Byte bound of all sessions (keys, states, event lists, event ids): LRU sessions are evicted
  // beyond it, as beyond max_sessions.
  size_t max_bytes = size_t{2} << 30;
};

class MemorySessionStore {
 public:
  using Clock = std::chrono::steady_clock;
  explicit MemorySessionStore(SessionStoreOptions o = {});

  // Runs fn on the session `key` under its shard's lock; creates an empty session (state null)
  // when absent or expired.
  void update(const std::string& key, const std::function<void(LiveSession&)>& fn);
  // Runs fn on an existing, unexpired session; returns false (fn not called) otherwise.
  bool read(const std::string& key, const std::function<void(const LiveSession&)>& fn);
  // As read(), but fn may change the session (a state re-encoded after a reload).
  bool update_existing(const std::string& key, const std::function<void(LiveSession&)>& fn);

  // Runs fn on every unexpired session, a shard at a time under its lock (fn must be quick and
  // must not call back into the store); returns false, having stopped, once fn returns false.
  bool for_each(const std::function<bool(const std::string& key, const LiveSession&)>& fn) const;

  size_t size() const;
  size_t bytes() const;          // the sessions' approximate memory (bounded by max_bytes)
  uint64_t evictions() const;    // dropped for the size bound
  uint64_t expirations() const;  // dropped for idleness

  // For tests: a clock offset added to now().
  void advance_clock(std::chrono::seconds by) { offset_ += by; }

 private:
  struct Entry {
    std::string key;
    LiveSession session;
    Clock::time_point last_access;
    size_t bytes = 0;  // as counted in the shard's total
  };
  struct Shard {
    explicit Shard(SipHasher h) : index(16, h) {}
    mutable std::mutex mu;
    std::list<Entry> lru;  // most recent first
    std::unordered_map<std::string, std::list<Entry>::iterator, SipHasher> index;
    uint64_t evictions = 0, expirations = 0;
    size_t bytes = 0;
  };
  Shard& shard_of(const std::string& key);
  Clock::time_point now() const { return Clock::now() + offset_; }
  void drop_expired(Shard& s, Clock::time_point t);
  void drop_back(Shard& s);
  // Re-counts the front entry after fn changed it and evicts from the back while the shard is
  // over its bounds (never the front entry itself).
  void recount_and_bound(Shard& s);
  template <typename F>
  uint64_t total(F of) const;  // sum of of(shard) over shards, each under its lock

  SessionStoreOptions o_;
  SipKey key_ = SipKey::random();  // shard choice and bucket hashing: not predictable by clients
  size_t per_shard_, bytes_per_shard_;
  std::vector<std::unique_ptr<Shard>> shards_;
  Clock::duration offset_{0};
};

}  // namespace kairos
