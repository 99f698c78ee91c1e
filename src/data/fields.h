// Splitting one delimited line into fields, and parsing the values found in them.
// FieldSplitter handles RFC 4180 double-quoted fields ("a,b" and "" as an escaped quote); quoted
// fields cannot span lines. Fields are views into the line or, for quoted fields containing
// escaped quotes, into an internal scratch buffer; all stay valid until the next split().
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
  std::string scratch_;  // unescaped fields, back to back; never reallocated within a split()
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

// Event times are unix milliseconds within the years 0001-9999 UTC, so that differences of two
// times never overflow and every time prints as an ISO-8601 date.
inline constexpr int64_t kMinTimeMs = -62135596800000;  // 0001-01-01T00:00:00Z
inline constexpr int64_t kMaxTimeMs = 253402300799999;  // 9999-12-31T23:59:59.999Z
inline bool time_in_range(int64_t ms) { return ms >= kMinTimeMs && ms <= kMaxTimeMs; }
// value * ms_per_unit (e.g. seconds * 1000) into *out; false on overflow or a time out of range
// (NaN and infinities included for doubles, which are rounded to the nearest millisecond).
bool scale_to_ms(int64_t value, int64_t ms_per_unit, int64_t* out);
bool scale_to_ms(double value, double ms_per_unit, int64_t* out);
// a + b (e.g. a day's midnight plus an offset) into *out; false on overflow or out of range.
bool add_ms(int64_t a, int64_t b, int64_t* out);

std::string_view trim(std::string_view s);

}  // namespace kairos
