// RetailRocket (Kaggle): events.csv `timestamp,visitorid,event,itemid,transactionid` (ms, header)
// and item_properties*.csv `timestamp,itemid,property,value`, of which `categoryid` rows give
// the item's category (the first one read wins; later changes are counted as conflicts).
#include <fmt/format.h>

#include <algorithm>

#include "core/error.h"
#include "data/fields.h"
#include "data/readers/input_file.h"
#include "data/readers/readers.h"

namespace kairos::readers {

void read_retailrocket(const ReadOptions& o, const std::string& path, EventLog* log) {
  InputFile in(o, path, log, "retailrocket events");
  std::vector<std::string_view> f;
  std::string_view line;
  KAIROS_CHECK(in.header(&line), "{}: empty file", path);
  split_plain(line, ',', &f);
  const size_t c_ts = require_column(f, {"timestamp"}, path);
  const size_t c_user = require_column(f, {"visitorid"}, path);
  const size_t c_event = require_column(f, {"event"}, path);
  const size_t c_item = require_column(f, {"itemid"}, path);
  const size_t width = f.size();
  while (in.next_row(&line)) {
    split_plain(line, ',', &f);
    if (f.size() != width) {
      in.skip(fmt::format("expected {} columns, found {}", width, f.size()));
      continue;
    }
    int64_t ts;
    EventType type;
    if (!parse_i64(f[c_ts], &ts)) {
      in.skip("timestamp is not an integer");
    } else if (!time_in_range(ts)) {
      in.skip("timestamp out of range");
    } else if (!parse_type_fast(f[c_event], &type)) {
      in.skip("unknown event");
    } else if (f[c_user].empty() || f[c_item].empty()) {
      in.skip("empty visitorid or itemid");
    } else if (in.ids_ok({{"user", f[c_user]}, {"item", f[c_item]}})) {
      log->add(f[c_user], {}, f[c_item], {}, type, ts);
      in.accept();
    }
  }
}

void read_retailrocket_properties(const ReadOptions& o, const std::string& path, EventLog* log) {
  InputFile in(o, path, log, "retailrocket item properties", /*side_table=*/true);
  std::vector<std::string_view> f;
  std::string_view line;
  KAIROS_CHECK(in.header(&line), "{}: empty file", path);
  split_plain(line, ',', &f);
  const size_t c_item = require_column(f, {"itemid"}, path);
  const size_t c_prop = require_column(f, {"property"}, path);
  const size_t c_value = require_column(f, {"value"}, path);
  const size_t need = std::max({c_item, c_prop, c_value});
  while (in.next_row(&line)) {
    split_plain(line, ',', &f);
    if (f.size() <= need) {
      in.skip(fmt::format("expected {} columns, found {}", need + 1, f.size()));
      continue;
    }
    if (f[c_prop] != "categoryid") continue;  // other properties are not used
    const std::string_view item = f[c_item], category = trim(f[c_value]);
    if (item.empty() || category.empty()) {
      in.skip("empty item or category");
      continue;
    }
    if (!in.ids_ok({{"item", item}, {"category", category}})) continue;
    log->set_category(item, category);
    ++log->report.side_rows_used;
  }
}

}  // namespace kairos::readers
