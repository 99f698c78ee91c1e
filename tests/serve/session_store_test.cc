// The in-memory session store: idle sessions expire after the TTL, the size bound evicts the
// least recently used, and both are counted.
#include "serve/session_store.h"

#include <gtest/gtest.h>

namespace kairos {
namespace {

TEST(MemorySessionStore, ExpiresIdleSessions) {
  MemorySessionStore store({std::chrono::seconds(60), 100, 1});
  store.update("a", [](LiveSession& s) { s.last_ts_ms = 7; });
  EXPECT_TRUE(store.read("a", [](const LiveSession& s) { EXPECT_EQ(s.last_ts_ms, 7); }));
  store.advance_clock(std::chrono::seconds(61));
  EXPECT_FALSE(store.read("a", [](const LiveSession&) {}));
  EXPECT_EQ(store.expirations(), 1u);
  EXPECT_EQ(store.size(), 0u);
}

TEST(MemorySessionStore, EvictsTheLeastRecentlyUsedBeyondTheBound) {
  MemorySessionStore store({std::chrono::seconds(600), 2, 1});
  store.update("a", [](LiveSession&) {});
  store.update("b", [](LiveSession&) {});
  store.read("a", [](const LiveSession&) {});  // a is now the most recent
  store.update("c", [](LiveSession&) {});
  EXPECT_TRUE(store.read("a", [](const LiveSession&) {}));
  EXPECT_FALSE(store.read("b", [](const LiveSession&) {}));
  EXPECT_TRUE(store.read("c", [](const LiveSession&) {}));
  EXPECT_EQ(store.evictions(), 1u);
}

TEST(MemorySessionStore, HoldsItsByteBound) {
  SessionStoreOptions o;
  o.shards = 4;
  o.max_sessions = 1'000'000;
  o.max_bytes = 256 * 1024;
  MemorySessionStore store(o);
  for (int i = 0; i < 5000; ++i) {
    store.update("session:" + std::to_string(i) + std::string(200, 'k'), [&](LiveSession& s) {
      s.state = std::make_unique<SessionState>();
      for (int e = 0; e < 50; ++e) {
        s.state->items.push_back(7);
        s.state->types.push_back(0);
        s.state->ts_ms.push_back(e);
        s.remember_event("event-" + std::to_string(e));
      }
    });
  }
  EXPECT_LE(store.bytes(), o.max_bytes);
  EXPECT_GT(store.bytes(), o.max_bytes / 2);
  EXPECT_GT(store.evictions(), 4000u);
  EXPECT_LT(store.size(), 1000u);
}

TEST(MemorySessionStore, UpdateExistingNeverCreates) {
  MemorySessionStore store({std::chrono::seconds(60), 100, 1});
  EXPECT_FALSE(store.update_existing("a", [](LiveSession&) {}));
  EXPECT_EQ(store.size(), 0u);
  store.update("a", [](LiveSession& s) { s.model_version = 1; });
  EXPECT_TRUE(store.update_existing("a", [](LiveSession& s) { s.model_version = 2; }));
  store.read("a", [](const LiveSession& s) { EXPECT_EQ(s.model_version, 2u); });
}

TEST(LiveSession, RemembersABoundedNumberOfEventIds) {
  LiveSession s;
  for (size_t i = 0; i < LiveSession::kRecentEventIds + 1; ++i) s.remember_event(std::to_string(i));
  EXPECT_FALSE(s.seen_event("0"));
  EXPECT_TRUE(s.seen_event("1"));
  EXPECT_TRUE(s.seen_event(std::to_string(LiveSession::kRecentEventIds)));
  // However long a client's event ids, a session keeps 8 bytes per id.
  LiveSession big;
  big.remember_event(std::string(10000, 'e'));
  EXPECT_TRUE(big.seen_event(std::string(10000, 'e')));
  EXPECT_LT(big.bytes(), 1000u);
}

}  // namespace
}  // namespace kairos
