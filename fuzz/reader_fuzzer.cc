// libFuzzer target for one input format's reader (scripts/fuzz builds one binary per format with
// -DKAIROS_FUZZ_FORMAT="taobao" etc.; "item-table" fuzzes the item side tables). Any byte string
// must be read into an EventLog or refused with a kairos::Error — never a crash, hang or sanitizer
// report — and what is read must keep the readers' contract: every row accounted for (accepted or
// skipped with a reason), every id clean text (core/valid_id.h), every time within years 1-9999.
//
// The first two bytes are options, the rest is the file:
//   byte 0: bit 0 --strict; bits 1-2 the line cap (16, 64, 256 bytes or the 1 MiB default);
//           bit 3 also read the file as the --buys-file (diginetica, yoochoose)
//   byte 1 (csv): bits 0-1 separator , ; tab |; bit 2 header (columns by name, else by position);
//           bits 3-4 time unit s ms us iso; bit 5 a --csv-type-map; bit 6 no user column;
//           bit 7 no session column
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "core/error.h"
#include "core/progress.h"
#include "core/valid_id.h"
#include "data/fields.h"
#include "data/reader.h"
#include "fuzz_file.h"

#ifndef KAIROS_FUZZ_FORMAT
#error "build with -DKAIROS_FUZZ_FORMAT=\"<format>\""
#endif

namespace {

void fail(const char* what) {
  std::fprintf(stderr, "reader contract broken (%s): %s\n", KAIROS_FUZZ_FORMAT, what);
  __builtin_trap();
}

void configure_csv(uint8_t b, kairos::CsvMapping* m) {
  static const char kSeparators[] = {',', ';', '\t', '|'};
  static const char* const kUnits[] = {"s", "ms", "us", "iso"};
  m->separator = kSeparators[b & 3];
  m->header = (b & 4) != 0;
  m->time_unit = kUnits[(b >> 3) & 3];
  if (b & 32) m->type_values = {{"1", "view"}, {"2", "cart"}, {"3", "fav"}, {"4", "buy"}};
  const bool no_user = (b & 64) != 0, no_session = (b & 128) != 0 && !no_user;
  m->user_col = no_user ? "" : m->header ? "user" : "0";
  m->session_col = no_session ? "" : m->header ? "session" : "1";
  m->item_col = m->header ? "item" : "2";
  m->category_col = m->header ? "cat" : "3";
  m->type_col = m->header ? "type" : "4";
  m->time_col = m->header ? "time" : "5";
}

void check_ids(const kairos::IdMap& ids, const char* kind) {
  for (uint32_t i = 0; i < ids.size(); ++i) {
    if (!kairos::id_problem(ids.name(i)).empty()) fail(kind);
  }
}

void check_contract(const kairos::EventLog& log) {
  uint64_t event_rows_skipped = 0;
  for (const auto& [reason, r] : log.report.skipped) {
    if (reason.rfind("item table: ", 0) != 0) event_rows_skipped += r.count;
  }
  if (log.report.rows_read != log.report.rows_accepted + event_rows_skipped) fail("row accounting");
  if (log.report.events_added != log.size()) fail("event count");
  if (log.item_category.size() != log.items.size()) fail("item categories");
  check_ids(log.users, "user id");
  check_ids(log.sessions, "session id");
  check_ids(log.items, "item id");
  check_ids(log.categories, "category id");
  for (int64_t ts : log.ts_ms) {
    if (!kairos::time_in_range(ts)) fail("time out of range");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  static const bool quiet = [] {
    kairos::ProgressBar::set_enabled(false);
    return true;
  }();
  (void)quiet;
  static const size_t kCaps[] = {16, 64, 256, size_t{1} << 20};
  const uint8_t options = data[0], csv = data[1];
  const std::string& path = kairos::fuzz::write_scratch(data + 2, size - 2);

  kairos::ReadOptions o;
  o.format = KAIROS_FUZZ_FORMAT;
  o.strict = (options & 1) != 0;
  o.max_line_bytes = kCaps[(options >> 1) & 3];
  std::vector<std::string> files = {path};
  if (o.format == "item-table") {
    o.format = "session-lines";
    o.item_attribute_files = {path};
    files.clear();
  } else if (o.format == "csv") {
    configure_csv(csv, &o.csv);
  } else if ((options & 8) && (o.format == "diginetica" || o.format == "yoochoose")) {
    o.buy_files = {path};
  }
  kairos::EventLog log;
  try {
    kairos::read_events(o, files, &log);
  } catch (const kairos::Error&) {
    return 0;  // refused with a message: fine
  }
  check_contract(log);
  return 0;
}
