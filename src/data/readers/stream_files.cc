// The `stream` format: files of Kairos's event stream (data/stream_record.h), as `kairos serve
// --event-log DIR` writes them or `kairos stream export` copies them out of Redis. A directory
// given as input stands for its events-*.tsv files in name order (oldest first).
//
// Sessions: an event's session_id when it has one; otherwise the user's events are cut into
// sessions by a 30-minute inactivity gap (the server's default session TTL), so a user-keyed
// session is the same thing here as it was in the server. A request the server logged twice (a
// client retry after a 503) repeats its event ids: a repeated (session, event_id) pair is read
// once and the repeats are counted, not silently dropped.
#include <fmt/format.h>

#include <string>
#include <unordered_map>
#include <unordered_set>

#include "core/error.h"
#include "data/readers/input_file.h"
#include "data/readers/readers.h"
#include "data/stream_record.h"

namespace kairos {

// What the stream reader carries from one file to the next (event_log.h).
struct StreamReadState {
  std::unordered_set<std::string> event_ids;  // session key + '\x1f' + event id
  struct UserSession {
    int64_t last_ts = 0;
    uint32_t number = 0;
  };
  std::unordered_map<std::string, UserSession> user_sessions;
};

namespace readers {
namespace {

constexpr int64_t kUserSessionGapMs = 30 * 60 * 1000;

}  // namespace

void read_stream_file(const ReadOptions& o, const std::string& path, EventLog* log) {
  if (!log->stream) log->stream = std::make_shared<StreamReadState>();
  StreamReadState& state = *log->stream;
  InputFile in(o, path, log, "event stream");
  std::string_view line;
  if (!in.header(&line)) return;
  KAIROS_CHECK(line == kStreamHeader, "{}: not an event stream file (header '{}', expected '{}')",
               path, line.substr(0, 200), kStreamHeader);
  StreamRecord r;
  std::string session;
  while (in.next_row(&line)) {
    if (const std::string why = parse_stream_line(line, &r); !why.empty()) {
      in.skip(why);
      continue;
    }
    if (!in.ids_ok({{"session", r.session_id},
                    {"user", r.user_id},
                    {"item", r.item_id},
                    {"event", r.event_id}})) {
      continue;
    }
    if (!r.session_id.empty()) {
      session = "s:" + r.session_id;
    } else {
      auto& u = state.user_sessions[r.user_id];
      if (u.number == 0 || r.ts_ms - u.last_ts > kUserSessionGapMs) ++u.number;
      u.last_ts = std::max(u.last_ts, r.ts_ms);
      session = fmt::format("u:{}#{}", r.user_id, u.number);
    }
    if (!r.event_id.empty() && !state.event_ids.insert(session + '\x1f' + r.event_id).second) {
      in.skip("repeated event id (a retried request logged twice)");
      continue;
    }
    log->add(r.user_id, session, r.item_id, {}, r.type, r.ts_ms);
    in.accept();
  }
}

}  // namespace readers
}  // namespace kairos
