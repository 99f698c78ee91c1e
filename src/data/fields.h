// Splitting one delimited line into fields, with RFC 4180 double-quoted fields ("a,b" and "" as an
// escaped quote). Quoted fields cannot span lines. Fields are views into the line or, for quoted
// fields containing escaped quotes, into an internal scratch buffer.
#pragma once

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

// Integer parsing for hot reader loops; false if `s` is not an optionally signed decimal integer.
bool parse_i64(std::string_view s, int64_t* out);
bool parse_double(std::string_view s, double* out);
std::string_view trim(std::string_view s);

}  // namespace kairos
