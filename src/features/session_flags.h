// Per-event flags of a session prefix, an input encoding for sequence models: whether the event's
// item was seen earlier in the session, whether it was carted earlier in the session, and whether
// its category is the previous event's. They are functions of the raw sequence (a model with item
// identities could learn them, slowly: comparing an item with every earlier one is what a
// recurrent state does worst), computed from the events before the current one only — no
// future. The memory is bounded: the last kMaxItems items and carted items (serving keeps one per
// live session).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace kairos {

class SessionFlags {
 public:
  static constexpr size_t kCount = 3;       // seen before, carted before, same category
  static constexpr size_t kMaxItems = 256;  // items (and carted items) remembered

  // The flags of an event of `item` in `category` after the events added so far.
  std::array<float, kCount> of(uint32_t item, uint32_t category) const;
  // Adds an event (type: core/event_type.h) to the prefix.
  void add(uint32_t item, uint32_t category, uint8_t type);
  size_t bytes() const;

 private:
  std::vector<uint32_t> seen_, carted_;  // most recent last, at most kMaxItems each
  int64_t last_category_ = -1;
};

}  // namespace kairos
