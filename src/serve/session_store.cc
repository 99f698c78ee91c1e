#include "serve/session_store.h"

#include <algorithm>

#include "core/error.h"

namespace kairos {

namespace {
// Event ids are compared through a keyed hash (a collision needs 2^64 tries per session and key).
const SipKey& event_id_key() {
  static const SipKey key = SipKey::random();
  return key;
}
}  // namespace

bool LiveSession::seen_event(const std::string& id) const {
  const uint64_t h = siphash24(event_id_key(), id);
  return std::find(recent_event_ids.begin(), recent_event_ids.end(), h) != recent_event_ids.end();
}

void LiveSession::remember_event(const std::string& id) {
  recent_event_ids.push_back(siphash24(event_id_key(), id));
  if (recent_event_ids.size() > kRecentEventIds) recent_event_ids.pop_front();
}

size_t LiveSession::bytes() const {
  return sizeof(LiveSession) + recent_event_ids.size() * sizeof(uint64_t) +
         (state ? state->bytes() : 0);
}

MemorySessionStore::MemorySessionStore(SessionStoreOptions o) : o_(o) {
  KAIROS_CHECK_USAGE(o_.shards > 0 && o_.max_sessions > 0,
                     "session store: shards and size must be positive");
  per_shard_ = std::max<size_t>(1, (o_.max_sessions + o_.shards - 1) / o_.shards);
  bytes_per_shard_ = std::max<size_t>(1, o_.max_bytes / o_.shards);
  // Bucket hashing uses another key than the shard choice (k1 flipped), so a shard's keys do
  // not all share their low bits.
  const SipHasher bucket_hash{{key_.k0, ~key_.k1}};
  for (int i = 0; i < o_.shards; ++i) shards_.push_back(std::make_unique<Shard>(bucket_hash));
}

MemorySessionStore::Shard& MemorySessionStore::shard_of(const std::string& key) {
  return *shards_[siphash24(key_, key) % shards_.size()];
}

void MemorySessionStore::drop_back(Shard& s) {
  s.bytes -= s.lru.back().bytes;
  s.index.erase(s.lru.back().key);
  s.lru.pop_back();
}

void MemorySessionStore::drop_expired(Shard& s, Clock::time_point t) {
  while (!s.lru.empty() && t - s.lru.back().last_access > o_.ttl) {
    drop_back(s);
    ++s.expirations;
  }
}

void MemorySessionStore::recount_and_bound(Shard& s) {
  Entry& e = s.lru.front();
  const size_t now_bytes =
      sizeof(Entry) + e.key.capacity() + 32 /* index node */ + e.session.bytes();
  s.bytes = s.bytes - e.bytes + now_bytes;
  e.bytes = now_bytes;
  while (s.lru.size() > 1 && (s.lru.size() > per_shard_ || s.bytes > bytes_per_shard_)) {
    drop_back(s);
    ++s.evictions;
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
    s.lru.push_front(Entry{key, LiveSession{}, t, 0});
    s.index.emplace(key, s.lru.begin());
  } else {
    s.lru.splice(s.lru.begin(), s.lru, it->second);
  }
  Entry& e = s.lru.front();
  e.last_access = t;
  fn(e.session);
  recount_and_bound(s);
}

bool MemorySessionStore::update_existing(const std::string& key,
                                         const std::function<void(LiveSession&)>& fn) {
  Shard& s = shard_of(key);
  const auto t = now();
  std::lock_guard lock(s.mu);
  drop_expired(s, t);
  auto it = s.index.find(key);
  if (it == s.index.end()) return false;
  s.lru.splice(s.lru.begin(), s.lru, it->second);
  s.lru.front().last_access = t;
  fn(s.lru.front().session);
  recount_and_bound(s);
  return true;
}

bool MemorySessionStore::read(const std::string& key,
                              const std::function<void(const LiveSession&)>& fn) {
  // The same walk; a read changes nothing, so the recount finds the same bytes.
  return update_existing(key, [&fn](LiveSession& s) { fn(s); });
}

bool MemorySessionStore::for_each(
    const std::function<bool(const std::string& key, const LiveSession&)>& fn) const {
  const auto t = now();
  for (const auto& s : shards_) {
    std::lock_guard lock(s->mu);
    for (const Entry& e : s->lru) {
      if (t - e.last_access > o_.ttl) break;  // most recent first: the rest are expired too
      if (!fn(e.key, e.session)) return false;
    }
  }
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
size_t MemorySessionStore::bytes() const {
  return total([](const Shard& s) { return s.bytes; });
}
uint64_t MemorySessionStore::evictions() const {
  return total([](const Shard& s) { return s.evictions; });
}
uint64_t MemorySessionStore::expirations() const {
  return total([](const Shard& s) { return s.expirations; });
}

}  // namespace kairos
