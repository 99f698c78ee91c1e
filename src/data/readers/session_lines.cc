// Text formats with one sequence per line, tokens separated by spaces or tabs:
//   session-lines   `item item item …`        one anonymous session per line
//   user-sequences  `user item item …`        one user's chronological sequence per line
// A token may carry its time as `item:unix_seconds` (e.g. RetailRocket's test_sessions_with_time);
// a file must be all timed or all untimed. Untimed events get a running counter that keeps file
// order; prepare then replaces it by the synthetic clock (docs/FORMATS.md). Lines starting with
// '#' are comments.
#include <fmt/format.h>

#include <cmath>

#include "core/error.h"
#include "data/fields.h"
#include "data/readers/input_file.h"
#include "data/readers/readers.h"

namespace kairos::readers {
namespace {

struct Token {
  std::string_view item;
  int64_t ts_ms = -1;  // -1: untimed
};

constexpr const char* kBadToken =
    "bad token (expected item or item:unix_seconds, all timed or none)";

// Parses `item` or `item:seconds`; nullptr, or the reason the token is refused.
const char* parse_token(std::string_view tok, Token* out) {
  const size_t colon = tok.rfind(':');
  if (colon == std::string_view::npos) {
    out->item = tok;
    out->ts_ms = -1;
    return tok.empty() ? kBadToken : nullptr;
  }
  out->item = tok.substr(0, colon);
  const std::string_view t = tok.substr(colon + 1);
  int64_t s;
  double d;
  if (parse_i64(t, &s)) {
    if (!scale_to_ms(s, 1000, &out->ts_ms)) return "timestamp out of range";
  } else if (parse_double(t, &d)) {
    if (!scale_to_ms(d, 1000.0, &out->ts_ms)) return "timestamp out of range";
  } else {
    return kBadToken;
  }
  // Times before 1970 would read as "untimed" (-1): out of range for these formats.
  if (out->ts_ms < 0) return "timestamp out of range";
  return out->item.empty() ? kBadToken : nullptr;
}

void read_sequences(const ReadOptions& o, const std::string& path, EventLog* log, bool with_user) {
  InputFile in(o, path, log, with_user ? "user sequences" : "session lines");
  in.set_comment('#');
  std::vector<std::string_view> f;
  std::vector<Token> tokens;
  std::string_view line;
  int file_timed = -1;  // unknown until the first accepted row
  std::string session_key;
  while (in.next_row(&line)) {
    split_whitespace(line, &f);
    const size_t first = with_user ? 1 : 0;
    if (f.size() <= first) {
      in.skip(with_user ? "a user id with no items" : "no items");
      continue;
    }
    tokens.resize(f.size() - first);
    const char* problem = nullptr;
    int timed = -1;
    for (size_t i = first; i < f.size() && problem == nullptr; ++i) {
      Token& t = tokens[i - first];
      problem = parse_token(f[i], &t);
      const int this_timed = t.ts_ms >= 0 ? 1 : 0;
      if (problem == nullptr && timed >= 0 && this_timed != timed) problem = kBadToken;
      timed = this_timed;
    }
    if (problem != nullptr) {
      in.skip(problem);
      continue;
    }
    bool ids_ok = !with_user || in.ids_ok({{"user", f[0]}});
    for (size_t i = 0; i < tokens.size() && ids_ok; ++i)
      ids_ok = in.ids_ok({{"item", tokens[i].item}});
    if (!ids_ok) continue;
    if (file_timed >= 0 && timed != file_timed) {
      in.skip(timed ? "timed tokens in an untimed file" : "untimed tokens in a timed file");
      continue;
    }
    file_timed = timed;
    const std::string_view user = with_user ? f[0] : std::string_view();
    // Each line is its own session (the row number is unique within the log).
    session_key = fmt::format("{}", log->report.rows_read);
    const std::string_view session = with_user ? std::string_view() : session_key;
    for (const Token& t : tokens) {
      const int64_t ts = timed ? t.ts_ms : static_cast<int64_t>(log->size()) * 1000;
      log->add(user, session, t.item, {}, EventType::kView, ts, timed == 1);
    }
    in.accept();
  }
}

}  // namespace

void read_session_lines(const ReadOptions& o, const std::string& path, EventLog* log) {
  read_sequences(o, path, log, false);
}

void read_user_sequences(const ReadOptions& o, const std::string& path, EventLog* log) {
  read_sequences(o, path, log, true);
}

}  // namespace kairos::readers
