// The standard session filters (GRU4Rec / session-rec preprocessing), applied in place to a
// SessionTable. Every removal is counted so the statistics report accounts for every event.
#pragma once

#include <cstdint>
#include <vector>

#include "data/session_table.h"

namespace kairos {

struct FilterCounts {
  uint64_t events_removed = 0;
  uint64_t sessions_removed = 0;
};

// Drops an event whose item equals the previous event's item in the same session.
FilterCounts remove_consecutive_duplicates(SessionTable* table);

struct IterativeFilterReport {
  struct Round {
    uint64_t items_removed = 0;     // items whose support fell below the minimum
    uint64_t events_removed = 0;    // events of those items, plus events of dropped sessions
    uint64_t sessions_removed = 0;  // sessions shorter than the minimum
  };
  std::vector<Round> rounds;
  FilterCounts total;
};

// Repeats until nothing changes: drop sessions shorter than min_session_length, then events of
// items with fewer than min_item_support events. 0 or 1 disables a criterion.
IterativeFilterReport filter_support_and_length(SessionTable* table, uint32_t min_item_support,
                                                uint32_t min_session_length, size_t num_items);

// Keeps the events for which keep(session, event_index) is true and the sessions for which
// keep_session(session) is true afterwards; returns what was removed.
template <typename KeepEvent, typename KeepSession>
FilterCounts compact(SessionTable* t, KeepEvent keep, KeepSession keep_session) {
  FilterCounts removed;
  SessionTable& s = *t;
  uint64_t w = 0;
  size_t ws = 0;
  uint64_t begin = 0;
  for (size_t i = 0; i < s.num_sessions(); ++i) {
    // offsets[i + 1] may be overwritten below (ws <= i), so read it first.
    const uint64_t start = begin, end = s.offsets[i + 1];
    const uint64_t session_w = w;
    for (uint64_t e = start; e < end; ++e) {
      if (!keep(i, e)) continue;
      s.item[w] = s.item[e];
      s.type[w] = s.type[e];
      s.ts[w] = s.ts[e];
      ++w;
    }
    begin = end;
    if (!keep_session(w - session_w)) {
      removed.events_removed += end - start;
      w = session_w;
      ++removed.sessions_removed;
      continue;
    }
    removed.events_removed += (end - start) - (w - session_w);
    s.user[ws] = s.user[i];
    s.part[ws] = s.part[i];
    s.offsets[ws + 1] = w;
    ++ws;
  }
  s.item.resize(w);
  s.type.resize(w);
  s.ts.resize(w);
  s.user.resize(ws);
  s.part.resize(ws);
  s.offsets.resize(ws + 1);
  return removed;
}

}  // namespace kairos
