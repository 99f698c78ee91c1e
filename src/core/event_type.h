// Behaviour types of the event model. Stored as one byte per event in prepared datasets.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace kairos {

enum class EventType : uint8_t { kView = 0, kCart = 1, kFav = 2, kBuy = 3 };

inline constexpr int kNumEventTypes = 4;
inline constexpr std::array<std::string_view, kNumEventTypes> kEventTypeNames = {"view", "cart",
                                                                                 "fav", "buy"};

inline std::string_view event_type_name(EventType t) {
  return kEventTypeNames[static_cast<int>(t)];
}

// Accepts the canonical names and the common aliases of the public logs:
// view|pv|click|clicks, cart|addtocart|clicks?, fav|favorite|favourite,
// buy|purchase|transaction|order(s).
std::optional<EventType> parse_event_type(std::string_view s);

}  // namespace kairos
