#include "core/valid_id.h"

#include <cstdint>

namespace kairos {
namespace {

// Length of the well-formed UTF-8 sequence starting at s[i] (Unicode Table 3-7: no overlong
// forms, no surrogates, nothing above U+10FFFF), or 0 if it is not one.
size_t utf8_sequence_length(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  const uint8_t b0 = byte(i);
  size_t n;
  uint8_t lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 < 0x80) return 1;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    if (b0 == 0xE0) lo = 0xA0;  // overlong
    if (b0 == 0xED) hi = 0x9F;  // surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    if (b0 == 0xF0) lo = 0x90;  // overlong
    if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return n;
}

}  // namespace

std::string_view id_problem(std::string_view id) {
  if (id.empty()) return "empty";
  if (id.size() > kMaxIdBytes) return "longer than 1024 bytes";
  static_assert(kMaxIdBytes == 1024, "update the reason above");
  for (size_t i = 0; i < id.size();) {
    const auto c = static_cast<uint8_t>(id[i]);
    if (c < 0x20 || c == 0x7F) return "control character";
    const size_t n = utf8_sequence_length(id, i);
    if (n == 0) return "invalid UTF-8";
    i += n;
  }
  return "";
}

}  // namespace kairos
