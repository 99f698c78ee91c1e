#include "serve/session_store.h"

#include <algorithm>

#include "core/error.h"

namespace kairos {

bool LiveSession::seen_event(const std::string& id) const {
  return std::find(recent_event_ids.begin(), recent_event_ids.end(), id) != recent_event_ids.end();
}

void LiveSession::remember_event(const std::string& id) {
  recent_event_ids.push_back(id);
  if (recent_event_ids.size() > kRecentEventIds) recent_event_ids.pop_front();
}

MemorySessionStore::MemorySessionStore(SessionStoreOptions o) : o_(o) {
  KAIROS_CHECK_USAGE(o_.shards > 0 && o_.max_sessions > 0,
                     "session store: shards and size must be positive");
  per_shard_ = std::max<size_t>(1, (o_.max_sessions + o_.shards - 1) / o_.shards);
  for (int i = 0; i < o_.shards; ++i) shards_.push_back(std::make_unique<Shard>());
}

MemorySessionStore::Shard& MemorySessionStore::shard_of(const std::string& key) {
  return *shards_[std::hash<std::string>{}(key) % shards_.size()];
}

void MemorySessionStore::drop_expired(Shard& s, Clock::time_point t) {
  while (!s.lru.empty() && t - s.lru.back().last_access > o_.ttl) {
    s.index.erase(s.lru.back().key);
    s.lru.pop_back();
    ++s.expirations;
  }
}

void MemorySessionStore::update(const std::string& key,
                                const std::function<void(LiveSession&)>& fn) {
  Shard& s = shard_of(key);
  const auto t = now();
  std::lock_guard lock(s.mu);
  drop_expired(s, t);
  auto it = s.index.find(key);
  if (it == s.index.end()) {
    s.lru.push_front(Entry{key, LiveSession{}, t});
    s.index.emplace(key, s.lru.begin());
    while (s.lru.size() > per_shard_) {
      s.index.erase(s.lru.back().key);
      s.lru.pop_back();
      ++s.evictions;
    }
  } else {
    s.lru.splice(s.lru.begin(), s.lru, it->second);
  }
  Entry& e = s.lru.front();
  e.last_access = t;
  fn(e.session);
}

bool MemorySessionStore::read(const std::string& key,
                              const std::function<void(const LiveSession&)>& fn) {
  Shard& s = shard_of(key);
  const auto t = now();
  std::lock_guard lock(s.mu);
  drop_expired(s, t);
  auto it = s.index.find(key);
  if (it == s.index.end()) return false;
  s.lru.splice(s.lru.begin(), s.lru, it->second);
  s.lru.front().last_access = t;
  fn(s.lru.front().session);
  return true;
}

template <typename F>
uint64_t MemorySessionStore::total(F of) const {
  uint64_t n = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s->mu);
    n += of(*s);
  }
  return n;
}

size_t MemorySessionStore::size() const {
  return total([](const Shard& s) { return s.lru.size(); });
}
uint64_t MemorySessionStore::evictions() const {
  return total([](const Shard& s) { return s.evictions; });
}
uint64_t MemorySessionStore::expirations() const {
  return total([](const Shard& s) { return s.expirations; });
}

}  // namespace kairos
