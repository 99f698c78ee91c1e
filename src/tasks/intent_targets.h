// Targets of the purchase-intent task (docs/TASKS.md): after the prefix x1..xi of a session
// (1 <= i < n), whether a purchase is still to come —
//   converts  a buy event among x(i+1..n): the session (still) ends in a purchase
//   within_n  a buy event among x(i+1..i+N)
// Both look only at events after the prefix; the prefix's own buys are features, not targets.
#pragma once

#include <cstdint>
#include <vector>

#include "data/dataset.h"

namespace kairos {

enum class IntentTarget { kConverts, kWithin };

struct IntentCase {
  uint32_t session = 0;  // index in the evaluated SessionSet
  uint32_t prefix = 0;   // i: the model sees events [0, i)
  uint8_t converts = 0;
  uint8_t within_n = 0;
};

// Every prefix i = min_prefix .. n-1 of every session (at most max_cases, evenly spread; 0 = all).
std::vector<IntentCase> intent_cases(const SessionSet& sessions, uint32_t within,
                                     uint32_t min_prefix = 1, uint64_t max_cases = 0);

// For each position p of `session`: the index of the first buy at or after p (session.size() if
// none). The target after prefix i is then: converts = next_buy[i] < n; within-N = converts and
// next_buy[i] < i + N.
std::vector<uint32_t> next_buy_positions(const SessionView& session);
inline bool intent_label(const std::vector<uint32_t>& next_buy, uint32_t prefix,
                         IntentTarget target, uint32_t within) {
  const auto n = static_cast<uint32_t>(next_buy.size());
  if (prefix >= n) return false;
  const bool ahead = next_buy[prefix] < n;
  return target == IntentTarget::kConverts ? ahead : ahead && next_buy[prefix] < prefix + within;
}

// Throws kInput when the sessions hold no buy event (the task needs purchases).
void check_has_purchases(const SessionSet& sessions, const char* part);

}  // namespace kairos
