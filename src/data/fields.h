// Splitting one delimited line into fields, and parsing the values found in them.
// FieldSplitter handles RFC 4180 double-quoted fields ("a,b" and "" as an escaped quote); quoted
// fields cannot span lines. Fields are views into the line or, for quoted fields containing
// escaped quotes, into an internal scratch buffer (valid until the next split()).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kairos {

class FieldSplitter {
 public:
  explicit FieldSplitter(char sep) : sep_(sep) {}
  // Returns false on an unterminated quote.
  bool split(std::string_view line, std::vector<std::string_view>* fields);

 private:
  char sep_;
  std::vector<std::string> scratch_;
};

// Splits on `sep` with no quoting (the public logs that never quote): the fast path.
void split_plain(std::string_view line, char sep, std::vector<std::string_view>* fields);
// Splits on runs of spaces and tabs (session-lines, user-sequences); no empty fields.
void split_whitespace(std::string_view line, std::vector<std::string_view>* fields);

// Integer parsing for hot reader loops; false if `s` is not an optionally signed decimal integer.
bool parse_i64(std::string_view s, int64_t* out);
bool parse_double(std::string_view s, double* out);
// "YYYY-MM-DD" -> unix ms of that day's midnight UTC.
bool parse_date_ms(std::string_view s, int64_t* out);
// ISO-8601 UTC: "YYYY-MM-DD", "YYYY-MM-DD[T ]hh:mm:ss[.fff][Z]" -> unix ms.
bool parse_iso8601_ms(std::string_view s, int64_t* out);
std::string_view trim(std::string_view s);

}  // namespace kairos
