// SessionTable: events grouped into time-ordered sessions, the working form of `prepare` between
// reading and the final Dataset. Compact (13 bytes per event) so that the EventLog's per-event
// columns can be released once it is built.
#pragma once

#include <cstdint>
#include <vector>

#include "data/event_log.h"

namespace kairos {

struct SessionTable {
  std::vector<uint64_t> offsets{0};  // session i = events [offsets[i], offsets[i+1])
  std::vector<uint32_t> user;        // per session: dense user id or kNone
  std::vector<uint8_t> part;         // per session: 0 = train files, 1 = --test files
  std::vector<uint32_t> item;        // per event: EventLog item id
  std::vector<uint8_t> type;         // per event
  std::vector<int64_t> ts;           // per event, ms

  size_t num_sessions() const { return user.size(); }
  size_t num_events() const { return item.size(); }
  size_t length(size_t s) const { return offsets[s + 1] - offsets[s]; }
  int64_t start_ts(size_t s) const { return ts[offsets[s]]; }
  int64_t end_ts(size_t s) const { return ts[offsets[s + 1] - 1]; }
  void add_session_end(uint32_t user_id, uint8_t part_id) {
    user.push_back(user_id);
    part.push_back(part_id);
    offsets.push_back(item.size());
  }
};

enum class SessionMode {
  kSessionId,  // sessions given by the data's session ids
  kUserGap,    // per user, split where the gap between events exceeds session_gap_ms
  kUser,       // one sequence per user (leave-one-out)
};

// Groups the log's events into sessions, each ordered by time (ties keep file order). Sessions
// never mix parts. Releases the log's per-event columns (ids and report stay).
SessionTable sessionize(EventLog& log, SessionMode mode, int64_t session_gap_ms);

}  // namespace kairos
