// Amazon item2attributes.json (S3-Rec / ICLRec): {"item": [attribute ids…], …}. The attribute
// list starts with the item's categories, so the first attribute becomes the item's category.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "core/error.h"
#include "core/valid_id.h"
#include "data/line_reader.h"
#include "data/readers/readers.h"

namespace kairos::readers {

void read_item_attributes_json(const std::string& path, EventLog* log) {
  std::string text;
  {
    LineReader lines(path, LineReader::kUnlimited);  // transparent gzip / zstd; parsed whole
    std::string_view line;
    while (lines.next(&line)) {
      text.append(line);
      text.push_back('\n');
    }
  }
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {  // syntax, and numbers out of range (406)
    KAIROS_THROW(ErrorKind::kInput, "{}: not valid JSON: {}", path, e.what());
  }
  KAIROS_CHECK(j.is_object(), "{}: expected a JSON object item -> [attributes]", path);
  for (const auto& [item, attrs] : j.items()) {
    ++log->report.side_rows_read;
    if (!attrs.is_array() || attrs.empty()) {
      log->report.skip("item table: attributes are not a non-empty list", path, 1);
      continue;
    }
    const auto& first = attrs.front();
    const std::string category = first.is_string() ? first.get<std::string>() : first.dump();
    const std::string_view problem = id_problem(item);
    const std::string_view category_problem = id_problem(category);
    if (!problem.empty()) {
      log->report.skip(fmt::format("item table: item id: {}", problem), path, 1);
      continue;
    }
    if (!category_problem.empty()) {
      log->report.skip(fmt::format("item table: category id: {}", category_problem), path, 1);
      continue;
    }
    log->set_category(item, category);
    ++log->report.side_rows_used;
  }
}

}  // namespace kairos::readers
