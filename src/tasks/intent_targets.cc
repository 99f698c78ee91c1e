#include "tasks/intent_targets.h"

#include "core/error.h"
#include "core/event_type.h"
#include "core/spread.h"

namespace kairos {

std::vector<IntentCase> intent_cases(const SessionSet& sessions, uint32_t within,
                                     uint32_t min_prefix, uint64_t max_cases) {
  KAIROS_CHECK_USAGE(within >= 1 && min_prefix >= 1, "intent: within and min_prefix must be >= 1");
  constexpr auto kBuy = static_cast<uint8_t>(EventType::kBuy);
  std::vector<IntentCase> out;
  std::vector<uint32_t> next_buy;  // per position: index of the first buy at or after it (n = none)
  for (size_t s = 0; s < sessions.size(); ++s) {
    const SessionView v = sessions[s];
    const auto n = static_cast<uint32_t>(v.size());
    if (n < 2) continue;
    next_buy.assign(n + 1, n);
    for (uint32_t i = n; i-- > 0;) next_buy[i] = v.types[i] == kBuy ? i : next_buy[i + 1];
    for (uint32_t i = min_prefix; i < n; ++i) {
      IntentCase c;
      c.session = static_cast<uint32_t>(s);
      c.prefix = i;
      c.converts = next_buy[i] < n;
      c.within_n = next_buy[i] < n && next_buy[i] < i + within;
      out.push_back(c);
    }
  }
  keep_evenly_spread(&out, max_cases);
  return out;
}

void check_has_purchases(const SessionSet& sessions, const char* part) {
  constexpr auto kBuy = static_cast<uint8_t>(EventType::kBuy);
  for (size_t s = 0; s < sessions.size(); ++s) {
    for (uint8_t t : sessions[s].types) {
      if (t == kBuy) return;
    }
  }
  KAIROS_THROW(ErrorKind::kInput,
               "the intent task needs purchases: the {} part has no buy event (prepare a log "
               "with buys, e.g. Taobao, RetailRocket, the synthetic shop, or --buys-file)",
               part);
}

}  // namespace kairos
