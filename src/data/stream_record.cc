#include "data/stream_record.h"

#include <fmt/format.h>

#include <array>

#include "data/fields.h"
#include "data/tsv_escape.h"

namespace kairos {

std::string format_stream_line(const StreamRecord& r) {
  return fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\n", r.logged_ms, r.ts_ms, tsv_escape(r.session_id),
                     tsv_escape(r.user_id), tsv_escape(r.item_id), event_type_name(r.type),
                     tsv_escape(r.event_id));
}

std::string parse_stream_line(std::string_view line, StreamRecord* out) {
  std::array<std::string_view, 7> f;
  size_t n = 0, start = 0;
  for (;;) {
    const size_t tab = line.find('\t', start);
    if (n == f.size()) return "more than 7 fields";
    f[n++] = line.substr(start, tab == std::string_view::npos ? tab : tab - start);
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
  if (n != f.size()) return fmt::format("{} fields, expected 7", n);
  if (!parse_i64(f[0], &out->logged_ms)) return "logged_ms is not an integer";
  if (!parse_i64(f[1], &out->ts_ms) || out->ts_ms < 0) return "ts_ms is not a time in ms";
  const auto type = parse_event_type(f[5]);
  if (!type) return "unknown event type";
  out->type = *type;
  out->session_id = tsv_unescape(f[2]);
  out->user_id = tsv_unescape(f[3]);
  out->item_id = tsv_unescape(f[4]);
  out->event_id = tsv_unescape(f[6]);
  if (out->item_id.empty()) return "empty item id";
  if (out->session_id.empty() && out->user_id.empty()) return "neither a session nor a user id";
  return "";
}

}  // namespace kairos
