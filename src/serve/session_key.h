// Session ids are hashed before they reach logs or metrics labels: logs never hold a raw
// shopper identifier.
#pragma once

#include <string>
#include <string_view>

namespace kairos {

// 16 hex digits of a keyed 64-bit hash of `session_id`.
std::string hashed_session_id(std::string_view session_id);

}  // namespace kairos
