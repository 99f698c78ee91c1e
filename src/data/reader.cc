#include "data/reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "core/error.h"
#include "data/line_reader.h"
#include "data/readers/readers.h"

namespace kairos {
namespace {

using FileReader = void (*)(const ReadOptions&, const std::string&, EventLog*);

struct Format {
  const char* name;
  FileReader events;
  FileReader buys;  // reader of --buys-file files, or nullptr
};

// The table of formats; docs/FORMATS.md describes each.
constexpr Format kFormats[] = {
    {"taobao", readers::read_taobao, nullptr},
    {"retailrocket", readers::read_retailrocket, nullptr},
    {"diginetica", readers::read_diginetica_views, readers::read_diginetica_purchases},
    {"yoochoose", readers::read_yoochoose_clicks, readers::read_yoochoose_buys},
    {"csv", readers::read_generic_csv, nullptr},
    {"session-lines", readers::read_session_lines, nullptr},
    {"user-sequences", readers::read_user_sequences, nullptr},
    {"category-sessions", readers::read_category_sessions, nullptr},
    {"stream", readers::read_stream_file, nullptr},
};

// A directory given to the `stream` format stands for its events-*.tsv files in name order
// (the writer names them so that name order is time order).
std::vector<std::string> expand_stream_dirs(const std::vector<std::string>& files) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  for (const auto& path : files) {
    std::error_code ec;
    if (!fs::is_directory(path, ec)) {
      out.push_back(path);
      continue;
    }
    std::vector<std::string> found;
    for (const auto& e : fs::directory_iterator(path, ec)) {
      const std::string name = e.path().filename().string();
      if (name.rfind("events-", 0) == 0 && name.size() > 4 &&
          name.compare(name.size() - 4, 4, ".tsv") == 0) {
        found.push_back(e.path().string());
      }
    }
    KAIROS_CHECK_IO(!ec, "{}: {}", path, ec.message());
    KAIROS_CHECK(!found.empty(), "{}: no events-*.tsv stream files in this directory", path);
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

const Format& find_format(const std::string& name) {
  for (const Format& f : kFormats) {
    if (name == f.name) return f;
  }
  std::string names;
  for (const Format& f : kFormats) names += (names.empty() ? "" : ", ") + std::string(f.name);
  KAIROS_THROW(ErrorKind::kUsage, "unknown format '{}' (known: {})", name, names);
}

// Item side tables are recognised by content: a JSON object (Amazon item2attributes), a
// RetailRocket item_properties header, or a two-column item/category table.
void read_item_table(const ReadOptions& o, const std::string& path, EventLog* log) {
  std::string_view first;
  {
    LineReader lines(path, o.max_line_bytes);  // the start of the first line is enough
    if (!lines.next(&first)) return;
    const size_t b = first.find_first_not_of(" \t\xEF\xBB\xBF");
    if (b != std::string_view::npos && first[b] == '{') {
      readers::read_item_attributes_json(path, log);
      return;
    }
    if (first.find("property") != std::string_view::npos) {
      readers::read_retailrocket_properties(o, path, log);
      return;
    }
  }
  readers::read_item_category_table(o, path, log);
}

}  // namespace

const std::vector<std::string>& format_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const Format& f : kFormats) v.emplace_back(f.name);
    return v;
  }();
  return names;
}

void read_events(const ReadOptions& options, const std::vector<std::string>& files, EventLog* log) {
  const Format& format = find_format(options.format);
  KAIROS_CHECK_USAGE(options.buy_files.empty() || format.buys != nullptr,
                     "--buys-file is only for the diginetica and yoochoose formats, not '{}'",
                     options.format);
  log->report.strict = options.strict;
  for (const auto& path : options.item_attribute_files) read_item_table(options, path, log);
  const std::vector<std::string> expanded =
      options.format == "stream" ? expand_stream_dirs(files) : files;
  for (const auto& path : expanded) format.events(options, path, log);
  for (const auto& path : options.buy_files) format.buys(options, path, log);
}

}  // namespace kairos
