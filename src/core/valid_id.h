// Which external ids (item, session, user, category) Kairos accepts: non-empty, at most
// kMaxIdBytes bytes of valid UTF-8 with no ASCII control characters (0x00-0x1F, 0x7F). Such an id
// can be written as is into items.tsv and JSON replies. The readers skip rows with other ids
// (counted, with line numbers); the HTTP server refuses requests carrying them.
#pragma once

#include <cstddef>
#include <string_view>

namespace kairos {

inline constexpr size_t kMaxIdBytes = 1024;

// "" when `id` is acceptable, else a short reason: "empty", "longer than 1024 bytes",
// "invalid UTF-8" or "control character". The reason is a string literal (static storage).
std::string_view id_problem(std::string_view id);

}  // namespace kairos
