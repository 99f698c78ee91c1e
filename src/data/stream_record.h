// One line of Kairos's event stream (docs/FORMATS.md "stream"): the events `kairos serve`
// accepted, in the order it accepted them, as the learning side reads them back. Tab-separated,
// fields escaped with tsv_escape, a header row first:
//   logged_ms  ts_ms  session_id  user_id  item_id  type  event_id
// logged_ms is the server's clock when the event was appended; ts_ms the event's own time (the
// client's, or the server's when the client sent none). session_id or user_id may be empty (not
// both); event_id may be empty.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/event_type.h"

namespace kairos {

struct StreamRecord {
  int64_t logged_ms = 0;
  int64_t ts_ms = 0;
  std::string session_id, user_id, item_id;
  EventType type = EventType::kView;
  std::string event_id;
};

inline constexpr std::string_view kStreamHeader =
    "logged_ms\tts_ms\tsession_id\tuser_id\titem_id\ttype\tevent_id";

// The record as one line (with the trailing '\n').
std::string format_stream_line(const StreamRecord& r);
// Parses one line (without its '\n'); "" on success, else the reason it is refused.
std::string parse_stream_line(std::string_view line, StreamRecord* out);

}  // namespace kairos
