// The CGG-style session TSV with aligned category lists (REES46 cosmetics, category-aware papers):
//   sessionId <TAB> categorys <TAB> items      e.g.  82  0,0,34  4242,395,4118
// with a header line. The i-th category belongs to the i-th item. No times: events get a running
// counter and prepare applies the synthetic clock, as for session-lines.
#include <fmt/format.h>

#include "core/error.h"
#include "data/fields.h"
#include "data/readers/input_file.h"
#include "data/readers/readers.h"

namespace kairos::readers {

void read_category_sessions(const ReadOptions& o, const std::string& path, EventLog* log) {
  InputFile in(o, path, log, "category sessions");
  std::vector<std::string_view> f, cats, items;
  std::string_view line;
  KAIROS_CHECK(in.header(&line), "{}: empty file", path);
  split_plain(line, '\t', &f);
  const size_t c_session = require_column(f, {"sessionId", "session_id"}, path);
  const size_t c_cats = require_column(f, {"categorys", "categories", "category"}, path);
  const size_t c_items = require_column(f, {"items", "item"}, path);
  const size_t width = f.size();
  while (in.next_row(&line)) {
    split_plain(line, '\t', &f);
    if (f.size() != width) {
      in.skip(fmt::format("expected {} tab-separated columns, found {}", width, f.size()));
      continue;
    }
    split_plain(trim(f[c_cats]), ',', &cats);
    split_plain(trim(f[c_items]), ',', &items);
    if (cats.size() != items.size()) {
      in.skip(fmt::format("{} categories for {} items", cats.size(), items.size()));
      continue;
    }
    bool empty = trim(f[c_session]).empty();
    for (size_t i = 0; i < items.size() && !empty; ++i) empty = items[i].empty();
    if (empty) {
      in.skip("empty session or item id");
      continue;
    }
    bool ok = in.ids_ok({{"session", trim(f[c_session])}});
    for (size_t i = 0; i < items.size() && ok; ++i) {
      ok = in.ids_ok({{"item", items[i]}, {"category", trim(cats[i])}});
    }
    if (!ok) continue;
    for (size_t i = 0; i < items.size(); ++i) {
      log->add({}, trim(f[c_session]), items[i], trim(cats[i]), EventType::kView,
               static_cast<int64_t>(log->size()) * 1000, /*timed=*/false);
    }
    in.accept();
  }
}

}  // namespace kairos::readers
