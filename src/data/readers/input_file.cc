#include "data/readers/input_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "core/error.h"
#include "core/valid_id.h"

namespace kairos::readers {
namespace {

constexpr uint64_t kProgressEvery = 1 << 16;  // lines between progress updates
constexpr uint64_t kEstimateAfter = 1 << 10;  // lines read before estimating the file's rows

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view strip_bom(std::string_view s) {
  if (s.size() >= 3 && s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);
  return s;
}

}  // namespace

InputFile::InputFile(const ReadOptions& o, const std::string& path, EventLog* log,
                     std::string_view what, bool side_table)
    : lines_(path, o.max_line_bytes),
      log_(log),
      report_(&log->report),
      bar_(fmt::format("read {}", what), lines_.file_size(), "B"),
      side_table_(side_table) {}

InputFile::InputFile(const ReadOptions& o, const std::string& path, ReadReport* report,
                     std::string_view what, bool side_table)
    : lines_(path, o.max_line_bytes),
      log_(nullptr),
      report_(report),
      bar_(fmt::format("read {}", what), lines_.file_size(), "B"),
      side_table_(side_table) {}

InputFile::InputFile(const ReadOptions& o, const std::string& path, const FileRange& range,
                     EventLog* log, std::string_view what, bool progress, double reserve_scale)
    : lines_(path, range, o.max_line_bytes),
      log_(log),
      report_(&log->report),
      bar_(fmt::format("read {}", what), lines_.file_size(), "B", progress),
      reserve_scale_(reserve_scale) {}

InputFile::~InputFile() {
  bar_.add(lines_.bytes_consumed() - reported_bytes_);
  bar_.finish();
}

bool InputFile::header(std::string_view* line) {
  if (!lines_.next(line)) return false;
  KAIROS_CHECK(!lines_.truncated(), "{}:{}: header line longer than {} bytes", path(),
               line_number(), lines_.max_line_bytes());
  *line = strip_bom(*line);
  return true;
}

bool InputFile::next_row(std::string_view* line) {
  while (lines_.next(line)) {
    if ((lines_.line_number() & (kProgressEvery - 1)) == 0) {
      const uint64_t b = lines_.bytes_consumed();
      bar_.add(b - reported_bytes_);
      reported_bytes_ = b;
    }
    if (lines_.truncated()) {
      ++(side_table_ ? report_->side_rows_read : report_->rows_read);
      skip(fmt::format("line longer than {} bytes", lines_.max_line_bytes()));
      continue;
    }
    if (!reserved_ && ++rows_seen_ == kEstimateAfter) reserve_rows();
    if (lines_.line_number() == 1) *line = strip_bom(*line);
    if (line->empty() || (comment_ != 0 && (*line)[0] == comment_)) continue;
    if (line->find_first_not_of(" \t") == std::string_view::npos) continue;
    ++(side_table_ ? report_->side_rows_read : report_->rows_read);
    return true;
  }
  return false;
}

// One allocation for the file's events instead of regrowing (and refaulting) the log's columns.
void InputFile::reserve_rows() {
  reserved_ = true;
  if (side_table_ || log_ == nullptr) return;
  const auto rows =
      static_cast<uint64_t>(static_cast<double>(lines_.estimated_lines()) * reserve_scale_);
  log_->reserve(log_->size() + rows + rows / 16);  // headroom: the estimate comes from the start
}

void InputFile::skip(const std::string& reason) {
  report_->skip(side_table_ ? "item table: " + reason : reason, lines_.path(),
                lines_.line_number());
}

bool InputFile::ids_ok(std::initializer_list<std::pair<const char*, std::string_view>> ids) {
  for (const auto& [kind, id] : ids) {
    if (id.empty()) continue;
    const std::string_view problem = id_problem(id);
    if (!problem.empty()) {
      skip(fmt::format("{} id: {}", kind, problem));
      return false;
    }
  }
  return true;
}

size_t find_column(const std::vector<std::string_view>& header,
                   std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    for (size_t i = 0; i < header.size(); ++i) {
      std::string_view h = header[i];
      while (!h.empty() && (h.front() == ' ' || h.front() == '"')) h.remove_prefix(1);
      while (!h.empty() && (h.back() == ' ' || h.back() == '"')) h.remove_suffix(1);
      if (iequals(h, name)) return i;
    }
  }
  return SIZE_MAX;
}

size_t require_column(const std::vector<std::string_view>& header,
                      std::initializer_list<std::string_view> names, const std::string& path) {
  const size_t i = find_column(header, names);
  if (i != SIZE_MAX) return i;
  KAIROS_THROW(ErrorKind::kInput, "{}: missing column '{}' (header has: {})", path, *names.begin(),
               fmt::join(header, ", "));
}

bool parse_type_fast(std::string_view s, EventType* out) {
  if (s == "pv") {
    *out = EventType::kView;
  } else if (s == "cart") {
    *out = EventType::kCart;
  } else if (s == "fav") {
    *out = EventType::kFav;
  } else if (s == "buy") {
    *out = EventType::kBuy;
  } else {
    const auto t = parse_event_type(s);
    if (!t) return false;
    *out = *t;
  }
  return true;
}

}  // namespace kairos::readers
