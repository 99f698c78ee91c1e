#include "serve/session_key.h"

#include <fmt/format.h>

#include <cstdint>

namespace kairos {

std::string hashed_session_id(std::string_view session_id) {
  // FNV-1a over a fixed key prefix; not a secret, just not the raw id.
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : std::string_view("kairos-session:"))
    h = (h ^ static_cast<uint8_t>(c)) * 0x100000001b3ULL;
  for (char c : session_id) h = (h ^ static_cast<uint8_t>(c)) * 0x100000001b3ULL;
  return fmt::format("{:016x}", h);
}

}  // namespace kairos
