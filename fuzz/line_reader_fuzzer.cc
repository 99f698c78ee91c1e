// libFuzzer target: LineReader against a two-line reference. Byte 0 picks the line cap (1-64
// bytes or unlimited), byte 1 the initial buffer (1-32 bytes, so refills, growth and the discarding
// of over-long lines all happen on small inputs); the rest is the file. Every line must come back
// as the reference splits it: on '\n', one trailing '\r' removed, cut to the cap and flagged.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "core/error.h"
#include "data/line_reader.h"
#include "fuzz_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const size_t cap = (data[0] & 64) ? kairos::LineReader::kUnlimited : (data[0] & 63) + 1u;
  const size_t buffer = (data[1] & 31) + 1u;
  const std::string_view text(reinterpret_cast<const char*>(data) + 2, size - 2);
  if (text.size() >= 2 && static_cast<uint8_t>(text[0]) == 0x1f &&
      static_cast<uint8_t>(text[1]) == 0x8b) {
    return 0;  // gzip magic: decompression is not what this target checks
  }
  if (text.size() >= 4 && text.substr(0, 4) == "\x28\xb5\x2f\xfd") return 0;  // zstd magic
  const std::string& path = kairos::fuzz::write_scratch(data + 2, size - 2);

  kairos::LineReader lines(path, cap, buffer);
  std::string_view got;
  size_t pos = 0;
  uint64_t number = 0;
  while (pos < text.size()) {
    const size_t nl = text.find('\n', pos);
    const size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view want = text.substr(pos, end - pos);
    pos = end + 1;
    if (!want.empty() && want.back() == '\r') want.remove_suffix(1);
    const bool truncated = want.size() > cap;
    if (truncated) want = want.substr(0, cap);
    ++number;
    if (!lines.next(&got) || got != want || lines.truncated() != truncated ||
        lines.line_number() != number) {
      std::fprintf(stderr, "line %llu differs\n", static_cast<unsigned long long>(number));
      __builtin_trap();
    }
  }
  if (lines.next(&got)) {
    std::fprintf(stderr, "extra line after %llu\n", static_cast<unsigned long long>(number));
    __builtin_trap();
  }
  return 0;
}
