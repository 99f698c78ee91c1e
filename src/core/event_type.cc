#include "core/event_type.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace kairos {

std::optional<EventType> parse_event_type(std::string_view s) {
  std::string lower(s);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "view" || lower == "pv" || lower == "click" || lower == "clicks") {
    return EventType::kView;
  }
  if (lower == "cart" || lower == "addtocart" || lower == "carts" || lower == "add_to_cart") {
    return EventType::kCart;
  }
  if (lower == "fav" || lower == "favorite" || lower == "favourite" || lower == "wishlist") {
    return EventType::kFav;
  }
  if (lower == "buy" || lower == "purchase" || lower == "transaction" || lower == "order" ||
      lower == "orders") {
    return EventType::kBuy;
  }
  return std::nullopt;
}

}  // namespace kairos
