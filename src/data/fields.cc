#include "data/fields.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "core/error.h"

namespace kairos {

bool FieldSplitter::split(std::string_view line, std::vector<std::string_view>* fields) {
  fields->clear();
  // Unescaped text is never longer than the line, so with this capacity appending to scratch_
  // never reallocates and the views into it handed out so far stay valid.
  scratch_.clear();
  scratch_.reserve(line.size());
  const char* const scratch_base = scratch_.data();
  size_t i = 0;
  const size_t n = line.size();
  while (true) {
    if (i < n && line[i] == '"') {
      // Quoted field: find the closing quote, unescaping "" into scratch when needed.
      size_t j = i + 1;
      bool escaped = false;
      while (true) {
        const size_t q = line.find('"', j);
        if (q == std::string_view::npos) return false;
        if (q + 1 < n && line[q + 1] == '"') {
          escaped = true;
          j = q + 2;
          continue;
        }
        j = q;
        break;
      }
      std::string_view raw = line.substr(i + 1, j - i - 1);
      if (escaped) {
        const size_t begin = scratch_.size();
        for (size_t k = 0; k < raw.size(); ++k) {
          scratch_.push_back(raw[k]);
          if (raw[k] == '"') ++k;  // skip the second quote of ""
        }
        KAIROS_ASSERT(scratch_.data() == scratch_base);
        raw = std::string_view(scratch_).substr(begin);
      }
      fields->push_back(raw);
      i = j + 1;
      // Anything between the closing quote and the separator is kept out (lenient, like pandas).
      const size_t next = line.find(sep_, i);
      if (next == std::string_view::npos) return true;
      i = next + 1;
      continue;
    }
    const size_t next = line.find(sep_, i);
    if (next == std::string_view::npos) {
      fields->push_back(line.substr(i));
      return true;
    }
    fields->push_back(line.substr(i, next - i));
    i = next + 1;
  }
}

void split_plain(std::string_view line, char sep, std::vector<std::string_view>* fields) {
  fields->clear();
  const char* p = line.data();
  const char* end = p + line.size();
  while (true) {
    const void* hit = std::memchr(p, sep, static_cast<size_t>(end - p));
    if (hit == nullptr) {
      fields->emplace_back(p, static_cast<size_t>(end - p));
      return;
    }
    const char* q = static_cast<const char*>(hit);
    fields->emplace_back(p, static_cast<size_t>(q - p));
    p = q + 1;
  }
}

void split_whitespace(std::string_view line, std::vector<std::string_view>* fields) {
  fields->clear();
  size_t i = 0;
  const size_t n = line.size();
  while (i < n) {
    while (i < n && (line[i] == ' ' || line[i] == '\t')) ++i;
    const size_t b = i;
    while (i < n && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > b) fields->push_back(line.substr(b, i - b));
  }
}

bool parse_i64(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  size_t i = 0;
  bool neg = false;
  if (s[0] == '-' || s[0] == '+') {
    neg = s[0] == '-';
    i = 1;
    if (s.size() == 1 || s[1] == '-' || s[1] == '+') return false;
  }
  if (s.size() - i > 18) {  // leave the rare huge values to from_chars' overflow check
    int64_t v;
    const auto r = std::from_chars(s.data() + (s[0] == '+' ? 1 : 0), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return false;
    *out = v;
    return true;
  }
  int64_t v = 0;
  for (; i < s.size(); ++i) {
    const unsigned d = static_cast<unsigned char>(s[i]) - '0';
    if (d > 9) return false;
    v = v * 10 + d;
  }
  *out = neg ? -v : v;
  return true;
}

bool parse_double(std::string_view s, double* out) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool digits(std::string_view s, size_t pos, size_t n, unsigned* out) {
  if (pos + n > s.size()) return false;
  unsigned v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    const unsigned d = static_cast<unsigned char>(s[i]) - '0';
    if (d > 9) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

}  // namespace

bool parse_date_ms(std::string_view s, int64_t* out) {
  unsigned y, m, d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 0, 4, &y) ||
      !digits(s, 5, 2, &m) || !digits(s, 8, 2, &d) || m < 1 || m > 12 || d < 1 || d > 31) {
    return false;
  }
  *out = days_from_civil(y, m, d) * 86400000LL;
  return true;
}

bool parse_iso8601_ms(std::string_view s, int64_t* out) {
  int64_t day_ms;
  if (s.size() < 10 || !parse_date_ms(s.substr(0, 10), &day_ms)) return false;
  if (s.size() == 10) {
    *out = day_ms;
    return true;
  }
  unsigned h, mi, se;
  if (s.size() < 19 || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':' ||
      !digits(s, 11, 2, &h) || !digits(s, 14, 2, &mi) || !digits(s, 17, 2, &se) || h > 23 ||
      mi > 59 || se > 60) {
    return false;
  }
  int64_t ms = 0;
  size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    ++i;
    int scale = 100;
    const size_t b = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (scale > 0) ms += (s[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
    if (i == b) return false;
  }
  if (i < s.size() && s[i] == 'Z') ++i;
  if (i != s.size()) return false;
  *out = day_ms + ((h * 60LL + mi) * 60LL + se) * 1000LL + ms;
  return true;
}

bool scale_to_ms(int64_t value, int64_t ms_per_unit, int64_t* out) {
  int64_t ms;
  if (__builtin_mul_overflow(value, ms_per_unit, &ms) || !time_in_range(ms)) return false;
  *out = ms;
  return true;
}

bool scale_to_ms(double value, double ms_per_unit, int64_t* out) {
  const double ms = std::round(value * ms_per_unit);
  // Compared as doubles first: converting an out-of-range double to int64_t is undefined.
  if (!(ms >= static_cast<double>(kMinTimeMs) && ms <= static_cast<double>(kMaxTimeMs))) {
    return false;  // also NaN
  }
  *out = static_cast<int64_t>(ms);
  return true;
}

bool add_ms(int64_t a, int64_t b, int64_t* out) {
  int64_t sum;
  if (__builtin_add_overflow(a, b, &sum) || !time_in_range(sum)) return false;
  *out = sum;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace kairos
