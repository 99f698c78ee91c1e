// Taobao UserBehavior: `user_id,item_id,category_id,behavior_type,timestamp`, no header,
// behaviour pv|cart|fav|buy, unix seconds. A header line, if present, is recognised and skipped.
#include <fmt/format.h>

#include "core/error.h"
#include "data/fields.h"
#include "data/readers/chunked_read.h"
#include "data/readers/input_file.h"
#include "data/readers/readers.h"

namespace kairos::readers {

namespace {

void read_rows(InputFile& in, EventLog* log) {
  std::vector<std::string_view> f;
  std::string_view line;
  while (in.next_row(&line)) {
    split_plain(line, ',', &f);
    if (f.size() != 5) {
      if (in.line_number() == 1 && f.size() >= 4 && find_column(f, {"user_id", "userid"}) == 0) {
        --log->report.rows_read;  // a header line
        continue;
      }
      in.skip(fmt::format("expected 5 columns, found {}", f.size()));
      continue;
    }
    EventType type;
    int64_t ts;
    if (!parse_i64(f[4], &ts)) {
      if (in.line_number() == 1 && !parse_type_fast(f[3], &type)) {
        --log->report.rows_read;  // a header line
        continue;
      }
      in.skip("timestamp is not an integer");
      continue;
    }
    if (!parse_type_fast(f[3], &type)) {
      in.skip("unknown behavior_type");
      continue;
    }
    if (!scale_to_ms(ts, 1000, &ts)) {
      in.skip("timestamp out of range");
      continue;
    }
    if (f[0].empty() || f[1].empty()) {
      in.skip("empty user_id or item_id");
      continue;
    }
    if (!in.ids_ok({{"user", f[0]}, {"item", f[1]}, {"category", f[2]}})) continue;
    log->add(f[0], {}, f[1], f[2], type, ts);
    in.accept();
  }
}

}  // namespace

// Rows are independent: large plain files are read on ReadOptions::threads threads.
void read_taobao(const ReadOptions& o, const std::string& path, EventLog* log) {
  read_chunked(o, path, log, "taobao", read_rows);
}

}  // namespace kairos::readers
