// libFuzzer target: the HTTP API's request decoder must turn any byte string into either a
// decoded request or an ApiError (a 4xx) — never a crash, hang or sanitizer report.
// Built and run by scripts/fuzz (clang-14, ASan + UBSan).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "serve/api_request.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  try {
    kairos::decode_events(body, 64);
  } catch (const kairos::ApiError&) {
  }
  try {
    kairos::decode_recommend(body, 100);
  } catch (const kairos::ApiError&) {
  }
  return 0;
}
