#include "tasks/intent_targets.h"

#include "core/error.h"
#include "core/event_type.h"
#include "core/spread.h"

namespace kairos {

std::vector<IntentCase> intent_cases(const SessionSet& sessions, uint32_t within,
                                     uint32_t min_prefix, uint64_t max_cases) {
  KAIROS_CHECK_USAGE(within >= 1 && min_prefix >= 1, "intent: within and min_prefix must be >= 1");
  std::vector<IntentCase> out;
  for (size_t s = 0; s < sessions.size(); ++s) {
    const SessionView v = sessions[s];
    const auto n = static_cast<uint32_t>(v.size());
    if (n < 2) continue;
    const std::vector<uint32_t> next_buy = next_buy_positions(v);
    for (uint32_t i = min_prefix; i < n; ++i) {
      IntentCase c;
      c.session = static_cast<uint32_t>(s);
      c.prefix = i;
      c.converts = intent_label(next_buy, i, IntentTarget::kConverts, within);
      c.within_n = intent_label(next_buy, i, IntentTarget::kWithin, within);
      out.push_back(c);
    }
  }
  keep_evenly_spread(&out, max_cases);
  return out;
}

std::vector<uint32_t> next_buy_positions(const SessionView& v) {
  constexpr auto kBuy = static_cast<uint8_t>(EventType::kBuy);
  const auto n = static_cast<uint32_t>(v.size());
  std::vector<uint32_t> next(n, n);
  for (uint32_t i = n; i-- > 0;) next[i] = v.types[i] == kBuy ? i : (i + 1 < n ? next[i + 1] : n);
  return next;
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
