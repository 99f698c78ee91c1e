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

TEST(LiveSession, RemembersABoundedNumberOfEventIds) {
  LiveSession s;
  for (size_t i = 0; i < LiveSession::kRecentEventIds + 1; ++i) s.remember_event(std::to_string(i));
  EXPECT_FALSE(s.seen_event("0"));
  EXPECT_TRUE(s.seen_event("1"));
  EXPECT_TRUE(s.seen_event(std::to_string(LiveSession::kRecentEventIds)));
}

}  // namespace
}  // namespace kairos
