// Generic delimited text with a column mapping (CsvMapping): columns by header name or 0-based
// position, any single-character separator, RFC 4180 quotes, numeric times in s/ms/us or ISO-8601
// text, and an optional behaviour-value mapping. Without a time column, row order is time (rows
// one second apart); without a type column every row is a view.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include "core/error.h"
#include "data/fields.h"
#include "data/readers/input_file.h"
#include "data/readers/readers.h"

namespace kairos::readers {
namespace {

bool is_position(const std::string& c) {
  return !c.empty() &&
         std::all_of(c.begin(), c.end(), [](unsigned char ch) { return std::isdigit(ch) != 0; });
}

// Resolves a mapping entry to a column index; SIZE_MAX for an unset optional column.
size_t resolve(const std::string& col, const char* flag,
               const std::vector<std::string_view>& header, bool has_header,
               const std::string& path) {
  if (col.empty()) return SIZE_MAX;
  if (is_position(col)) return std::stoul(col);
  KAIROS_CHECK_USAGE(has_header,
                     "{}: {} '{}' is a name but the file has no header; use a 0-based "
                     "column position",
                     path, flag, col);
  const size_t i = find_column(header, {col});
  KAIROS_CHECK(i != SIZE_MAX, "{}: no column '{}' ({}); header has: {}", path, col, flag,
               fmt::join(header, ", "));
  return i;
}

// Parses a time in `unit` (s, ms, us or iso) into unix ms; nullptr, or the reason to skip the row.
const char* parse_time(std::string_view t, const std::string& unit, int64_t* ms) {
  const int64_t ms_per_unit = unit == "s" ? 1000 : 1;
  if (unit == "iso") {
    if (!parse_iso8601_ms(t, ms)) return "bad time value";
  } else if (int64_t v; parse_i64(t, &v)) {
    if (unit == "us") v /= 1000;
    if (!scale_to_ms(v, ms_per_unit, ms)) return "timestamp out of range";
  } else if (double d; parse_double(t, &d)) {  // fractional seconds, e.g. 1441939815.25
    if (!scale_to_ms(d, unit == "us" ? 1e-3 : static_cast<double>(ms_per_unit), ms)) {
      return "timestamp out of range";
    }
  } else {
    return "bad time value";
  }
  return time_in_range(*ms) ? nullptr : "timestamp out of range";
}

}  // namespace

void read_generic_csv(const ReadOptions& o, const std::string& path, EventLog* log) {
  const CsvMapping& m = o.csv;
  KAIROS_CHECK_USAGE(!m.item_col.empty(), "csv format: the item column is required (--csv-item)");
  KAIROS_CHECK_USAGE(
      m.time_unit == "s" || m.time_unit == "ms" || m.time_unit == "us" || m.time_unit == "iso",
      "--csv-time-unit must be s, ms, us or iso, not '{}'", m.time_unit);
  InputFile in(o, path, log, "csv");
  FieldSplitter splitter(m.separator);
  std::vector<std::string_view> f;
  std::vector<std::string> header_names;
  std::vector<std::string_view> header;
  std::string_view line;
  if (m.header) {
    KAIROS_CHECK(in.header(&line), "{}: empty file", path);
    KAIROS_CHECK(splitter.split(line, &f), "{}:1: unterminated quote in header", path);
    header_names.assign(f.begin(), f.end());
    header.assign(header_names.begin(), header_names.end());
  }
  const size_t c_user = resolve(m.user_col, "--csv-user", header, m.header, path);
  const size_t c_session = resolve(m.session_col, "--csv-session", header, m.header, path);
  const size_t c_item = resolve(m.item_col, "--csv-item", header, m.header, path);
  const size_t c_cat = resolve(m.category_col, "--csv-category", header, m.header, path);
  const size_t c_type = resolve(m.type_col, "--csv-type", header, m.header, path);
  const size_t c_time = resolve(m.time_col, "--csv-time", header, m.header, path);
  KAIROS_CHECK_USAGE(c_user != SIZE_MAX || c_session != SIZE_MAX,
                     "csv format: map a user column (--csv-user) or a session column "
                     "(--csv-session), or both");
  size_t need = 0;
  for (size_t c : {c_user, c_session, c_item, c_cat, c_type, c_time}) {
    if (c != SIZE_MAX) need = std::max(need, c + 1);
  }
  std::map<std::string, EventType, std::less<>> values;
  for (const auto& [value, name] : m.type_values) {
    const auto t = parse_event_type(name);
    KAIROS_CHECK_USAGE(t.has_value(),
                       "--csv-type-map: '{}' is not a behaviour (view, cart, fav, buy)", name);
    values[value] = *t;
  }
  int64_t row_clock = 0;
  while (in.next_row(&line)) {
    if (!splitter.split(line, &f)) {
      in.skip("unterminated quote");
      continue;
    }
    if (f.size() < need) {
      in.skip(fmt::format("expected at least {} columns, found {}", need, f.size()));
      continue;
    }
    int64_t ts = row_clock += 1000;
    if (c_time != SIZE_MAX) {
      const char* problem = parse_time(trim(f[c_time]), m.time_unit, &ts);
      if (problem != nullptr) {
        in.skip(problem);
        continue;
      }
    }
    EventType type = EventType::kView;
    if (c_type != SIZE_MAX) {
      const std::string_view v = trim(f[c_type]);
      if (!values.empty()) {
        const auto it = values.find(v);
        if (it == values.end()) {
          in.skip("behaviour value not in --csv-type-map");
          continue;
        }
        type = it->second;
      } else if (!parse_type_fast(v, &type)) {
        in.skip("unknown behaviour value");
        continue;
      }
    }
    const std::string_view item = trim(f[c_item]);
    const std::string_view user = c_user == SIZE_MAX ? std::string_view() : trim(f[c_user]);
    const std::string_view session =
        c_session == SIZE_MAX ? std::string_view() : trim(f[c_session]);
    if (item.empty() || (c_user != SIZE_MAX && c_session == SIZE_MAX && user.empty()) ||
        (c_session != SIZE_MAX && session.empty())) {
      in.skip("empty item, user or session id");
      continue;
    }
    const std::string_view category = c_cat == SIZE_MAX ? std::string_view() : trim(f[c_cat]);
    if (!in.ids_ok(
            {{"user", user}, {"session", session}, {"item", item}, {"category", category}})) {
      continue;
    }
    log->add(user, session, item, category, type, ts);
    in.accept();
  }
}

}  // namespace kairos::readers
