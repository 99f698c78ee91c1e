#include "cli/parse_values.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <ctime>

#include "core/error.h"
#include "data/reader.h"

namespace kairos::cli {

SplitKind parse_split(const std::string& s) {
  if (s == "temporal") return SplitKind::kTemporal;
  if (s == "leave-one-out" || s == "loo") return SplitKind::kLeaveOneOut;
  KAIROS_THROW(ErrorKind::kUsage, "--split must be temporal or leave-one-out, not '{}'", s);
}

char parse_separator(const std::string& s) {
  if (s == "tab" || s == "\\t" || s == "\t") return '\t';
  KAIROS_CHECK_USAGE(s.size() == 1, "--csv-separator must be one character or 'tab', not '{}'", s);
  return s[0];
}

int64_t parse_utc_date_ms(const std::string& s) {
  std::tm tm{};
  const char* end = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (end == nullptr) {
    tm = {};
    end = strptime(s.c_str(), "%Y-%m-%d", &tm);
  }
  KAIROS_CHECK_USAGE(end != nullptr && (*end == '\0' || *end == 'Z'),
                     "'{}' is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS)", s);
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

std::vector<std::string> split_list(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t b = 0;
  while (b <= s.size()) {
    const size_t e = std::min(s.find(sep, b), s.size());
    if (e > b) out.push_back(s.substr(b, e - b));
    b = e + 1;
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> parse_pairs(const std::string& s,
                                                             const std::string& flag) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& item : split_list(s)) {
    const size_t eq = item.find('=');
    KAIROS_CHECK_USAGE(eq != std::string::npos && eq > 0, "{}: '{}' is not key=value", flag, item);
    out.emplace_back(item.substr(0, eq), item.substr(eq + 1));
  }
  return out;
}

std::string join_format_names() {
  std::string out;
  for (const auto& n : format_names()) out += (out.empty() ? "" : ", ") + n;
  return out;
}

Transactions read_transaction_flags(const std::string& files, const std::string& format,
                                    bool anonymous) {
  KAIROS_CHECK_USAGE(!format.empty(), "transactions need --format ({})",
                     fmt::join(transaction_format_names(), ", "));
  ReadOptions ro;
  ro.format = format;
  Transactions t = read_transactions(ro, split_list(files), anonymous);
  for (const auto& line : t.report.describe()) spdlog::info("skipped: {}", line);
  return t;
}

Transactions demand_level(Transactions t, const std::string& level) {
  if (level == "item") return t;
  KAIROS_CHECK_USAGE(level == "category", "--level must be item or category, not '{}'", level);
  Transactions c = by_category(t);
  spdlog::info("demand per category: {} categories from {} items", c.items.size(), t.items.size());
  return c;
}

}  // namespace kairos::cli
