// YooChoose (RecSys Challenge 2015), ','-separated, no header:
//   yoochoose-clicks.dat  session_id,timestamp,item_id,category   (views)
//   yoochoose-buys.dat    session_id,timestamp,item_id,price,quantity   (buys, via --buys-file)
// Timestamps are ISO-8601 UTC ("2014-04-07T10:51:09.277Z"). Category "0" means unknown; "S"
// (special offer) and brand ids are kept as given.
#include <fmt/format.h>

#include "core/error.h"
#include "data/fields.h"
#include "data/readers/input_file.h"
#include "data/readers/readers.h"

namespace kairos::readers {
namespace {

void read_file(const ReadOptions& o, const std::string& path, EventLog* log, bool buys) {
  InputFile in(o, path, log, buys ? "yoochoose buys" : "yoochoose clicks");
  const size_t width = buys ? 5 : 4;
  std::vector<std::string_view> f;
  std::string_view line;
  while (in.next_row(&line)) {
    split_plain(line, ',', &f);
    if (f.size() != width) {
      KAIROS_CHECK(!(in.line_number() == 1 && !buys && f.size() == 5),
                   "{}: 5 columns look like a yoochoose buys file: pass it with --buys-file", path);
      in.skip(fmt::format("expected {} columns, found {}", width, f.size()));
      continue;
    }
    int64_t ts;
    if (!parse_iso8601_ms(f[1], &ts)) {
      in.skip("timestamp is not ISO-8601");
      continue;
    }
    if (!time_in_range(ts)) {
      in.skip("timestamp out of range");
      continue;
    }
    if (f[0].empty() || f[2].empty()) {
      in.skip("empty session or item id");
      continue;
    }
    const std::string_view category = buys || f[3] == "0" ? std::string_view() : f[3];
    if (!in.ids_ok({{"session", f[0]}, {"item", f[2]}, {"category", category}})) continue;
    log->add({}, f[0], f[2], category, buys ? EventType::kBuy : EventType::kView, ts);
    in.accept();
  }
}

}  // namespace

void read_yoochoose_clicks(const ReadOptions& o, const std::string& path, EventLog* log) {
  read_file(o, path, log, false);
}

void read_yoochoose_buys(const ReadOptions& o, const std::string& path, EventLog* log) {
  read_file(o, path, log, true);
}

}  // namespace kairos::readers
