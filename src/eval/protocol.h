// Evaluation protocols, named as the literature names them (docs/PROTOCOLS.md): which prefixes of
// which sessions are scored, against which targets, with which items excluded from the ranking.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "data/dataset.h"

namespace kairos::eval {

enum class Protocol {
  kNextItem,       // every prefix x1..xi (i >= min_prefix), target x(i+1)
  kLastItem,       // only the final position: x1..x(n-1) -> xn
  kRestOfSession,  // every prefix, targets = the distinct remaining items x(i+1..n)
  kLeaveOneOut,    // per user: all but the last -> the last; history items are not ranked
};
Protocol parse_protocol(std::string_view name);  // throws kUsage
std::string_view protocol_name(Protocol p);
// next-item for session datasets, leave-one-out for leave-one-out datasets.
Protocol default_protocol(const Dataset& data);

// One evaluation case: the first `prefix` events of session `session` of the evaluated set.
struct Case {
  uint32_t session = 0;
  uint32_t prefix = 0;
};

// The cases of `sessions` under protocol `p`. `min_prefix` (>= 1) applies to next-item and
// rest-of-session. `target_types` (next-item only): a bit per EventType, 0 = every type; a case
// is kept when its target event's type has its bit set (e.g. the next item among carts and buys).
// At most `max_cases` (0 = all) are kept, taken evenly across the list.
std::vector<Case> make_cases(const SessionSet& sessions, Protocol p, uint32_t min_prefix,
                             uint64_t max_cases = 0, uint8_t target_types = 0);

// The distinct targets of a case (one for next-item, last-item and leave-one-out).
void case_targets(const SessionView& s, const Case& c, Protocol p, std::vector<uint32_t>* out);

// Whether the protocol removes the session's past items from the ranking.
inline bool excludes_history(Protocol p) { return p == Protocol::kLeaveOneOut; }

}  // namespace kairos::eval
