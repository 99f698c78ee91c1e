#include "models/artifact_text.h"

#include <charconv>

#include "core/error.h"
#include "core/valid_id.h"
#include "data/tsv_escape.h"

namespace kairos {
namespace {

// The next '\n'-terminated line of `text` from *pos (the last line may lack the '\n').
bool next_line(std::string_view text, size_t* pos, std::string_view* line) {
  if (*pos >= text.size()) return false;
  const size_t nl = text.find('\n', *pos);
  const size_t end = nl == std::string_view::npos ? text.size() : nl;
  *line = text.substr(*pos, end - *pos);
  *pos = end + 1;
  return true;
}

bool parse_u64(std::string_view s, uint64_t* out) {
  if (s.empty()) return false;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace

nlohmann::json parse_artifact_meta(std::string_view text, const std::string& where,
                                   std::string_view format) {
  nlohmann::json meta;
  try {
    meta = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    KAIROS_THROW(ErrorKind::kInput, "{}/meta.json is corrupt: {}", where, e.what());
  }
  KAIROS_CHECK(meta.is_object() && meta.contains("format") && meta["format"].is_string(),
               "{}/meta.json is not a Kairos model description", where);
  KAIROS_CHECK(meta["format"] == format, "{}/meta.json describes a {} artifact, not a {} one",
               where, meta["format"].get<std::string>(), format);
  const nlohmann::json version = meta.value("format_version", nlohmann::json());
  KAIROS_CHECK(version.is_number_integer() && version == kArtifactFormatVersion,
               "{}: artifact format version {} is not supported (this build reads version {})",
               where, version.dump(), kArtifactFormatVersion);
  const auto it = meta.find("dataset");
  const bool has_items = it != meta.end() && it->is_object() && it->contains("num_items");
  KAIROS_CHECK(meta.contains("model") && meta["model"].is_string() && has_items,
               "{}/meta.json lacks the model name or the catalogue size", where);
  const nlohmann::json& n = (*it)["num_items"];
  KAIROS_CHECK(n.is_number_unsigned() && n.get<uint64_t>() >= 1 && n.get<uint64_t>() <= UINT32_MAX,
               "{}/meta.json: dataset.num_items {} is not a catalogue size", where, n.dump());
  return meta;
}

uint32_t artifact_num_items(const nlohmann::json& meta) {
  return meta.at("dataset").at("num_items").get<uint32_t>();
}

ItemTable parse_items_tsv(std::string_view text, uint32_t num_items, const std::string& where) {
  ItemTable t;
  t.names.assign(1, "");
  t.categories.assign(1, "");
  t.counts.assign(1, 0);
  size_t pos = 0, line_no = 0;
  std::string_view line;
  while (next_line(text, &pos, &line)) {
    if (++line_no == 1 || line.empty()) continue;
    const size_t t1 = line.find('\t');
    const size_t t2 = t1 == std::string_view::npos ? t1 : line.find('\t', t1 + 1);
    KAIROS_CHECK(t2 != std::string_view::npos, "{}/items.tsv:{}: expected item_id, index, category",
                 where, line_no);
    uint64_t index;
    KAIROS_CHECK(parse_u64(line.substr(t1 + 1, t2 - t1 - 1), &index) && index == t.names.size(),
                 "{}/items.tsv:{}: index out of sequence", where, line_no);
    KAIROS_CHECK(t.names.size() < num_items,
                 "{}: items.tsv lists more than the {} items of meta.json", where, num_items);
    // Fields are backslash-escaped (data/tsv_escape.h); the unescaped id must be a valid id.
    const std::string item = tsv_unescape(line.substr(0, t1));
    const size_t t3 = line.find('\t', t2 + 1);
    const std::string category =
        tsv_unescape(line.substr(t2 + 1, t3 == std::string_view::npos ? t3 : t3 - t2 - 1));
    const std::string_view problem = id_problem(item);
    KAIROS_CHECK(problem.empty(), "{}/items.tsv:{}: item id: {}", where, line_no, problem);
    const std::string_view category_problem = category.empty() ? "" : id_problem(category);
    KAIROS_CHECK(category_problem.empty(), "{}/items.tsv:{}: category id: {}", where, line_no,
                 category_problem);
    t.names.emplace_back(item);
    t.categories.emplace_back(category);
    uint64_t count = 0;
    if (t3 != std::string_view::npos) {
      const std::string_view c = line.substr(t3 + 1);
      KAIROS_CHECK(parse_u64(c, &count), "{}/items.tsv:{}: count '{}' is not a number", where,
                   line_no, c);
    }
    t.counts.push_back(count);
  }
  KAIROS_CHECK(t.names.size() == num_items, "{}: items.tsv lists {} items but meta.json says {}",
               where, t.names.size(), num_items);
  return t;
}

}  // namespace kairos
