// DIGINETICA (CIKM Cup 2016), raw files, ';'-separated with a header:
//   train-item-views.csv  session_id;user_id;item_id;timeframe;eventdate   (views)
//   train-purchases.csv   sessionId;userId;timeframe;eventdate;ordernumber;itemId   (buys)
//   product-categories.csv itemId;categoryId   (item side table)
// Time = eventdate (midnight UTC) + timeframe (ms since the session started), the ordering the
// competition defines. user_id "NA" (anonymous) means no user.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "core/error.h"
#include "data/fields.h"
#include "data/readers/input_file.h"
#include "data/readers/readers.h"

namespace kairos::readers {
namespace {

struct Columns {
  size_t session, user, item, timeframe, date, width;
};

Columns header_columns(InputFile& in, const std::string& path) {
  std::string_view line;
  std::vector<std::string_view> f;
  KAIROS_CHECK(in.header(&line), "{}: empty file", path);
  split_plain(line, ';', &f);
  KAIROS_CHECK(f.size() > 1, "{}: expected ';'-separated columns, found header '{}'", path, line);
  Columns c;
  c.session = require_column(f, {"session_id", "sessionId"}, path);
  c.user = require_column(f, {"user_id", "userId"}, path);
  c.item = require_column(f, {"item_id", "itemId"}, path);
  c.timeframe = require_column(f, {"timeframe"}, path);
  c.date = require_column(f, {"eventdate"}, path);
  c.width = f.size();
  return c;
}

void read_rows(const ReadOptions& o, const std::string& path, EventLog* log, EventType type,
               const char* what) {
  InputFile in(o, path, log, what);
  const Columns c = header_columns(in, path);
  std::vector<std::string_view> f;
  std::string_view line;
  while (in.next_row(&line)) {
    split_plain(line, ';', &f);
    if (f.size() != c.width) {
      in.skip(fmt::format("expected {} columns, found {}", c.width, f.size()));
      continue;
    }
    int64_t day_ms, frame, ts;
    if (!parse_date_ms(f[c.date], &day_ms)) {
      in.skip("eventdate is not YYYY-MM-DD");
    } else if (!parse_i64(f[c.timeframe], &frame)) {
      in.skip("timeframe is not an integer");
    } else if (!add_ms(day_ms, frame, &ts)) {
      in.skip("timestamp out of range");
    } else if (f[c.session].empty() || f[c.item].empty()) {
      in.skip("empty session or item id");
    } else {
      const std::string_view user = f[c.user] == "NA" ? std::string_view() : f[c.user];
      if (!in.ids_ok({{"session", f[c.session]}, {"user", user}, {"item", f[c.item]}})) continue;
      log->add(user, f[c.session], f[c.item], {}, type, ts);
      in.accept();
    }
  }
}

}  // namespace

void read_diginetica_views(const ReadOptions& o, const std::string& path, EventLog* log) {
  read_rows(o, path, log, EventType::kView, "diginetica views");
}

void read_diginetica_purchases(const ReadOptions& o, const std::string& path, EventLog* log) {
  read_rows(o, path, log, EventType::kBuy, "diginetica purchases");
}

void read_item_category_table(const ReadOptions& o, const std::string& path, EventLog* log) {
  InputFile in(o, path, log, "item categories", /*side_table=*/true);
  std::vector<std::string_view> f;
  std::string_view line;
  char sep = 0;
  while (in.next_row(&line)) {
    if (sep == 0) {  // sniff from the first row: tab, ';' or ','
      sep = line.find('\t') != std::string_view::npos  ? '\t'
            : line.find(';') != std::string_view::npos ? ';'
                                                       : ',';
    }
    split_plain(line, sep, &f);
    if (f.size() < 2) {
      in.skip(fmt::format("expected 2 columns (item, category), found {}", f.size()));
      continue;
    }
    const std::string_view item = trim(f[0]), category = trim(f[1]);
    if (in.line_number() == 1 && !item.empty() &&
        !std::isdigit(static_cast<unsigned char>(item[0])) &&
        find_column(f, {"itemId", "item_id", "item"}) == 0) {
      --log->report.side_rows_read;  // header
      continue;
    }
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
