#include "eval/protocol.h"

#include <algorithm>

#include "core/error.h"
#include "core/spread.h"

namespace kairos::eval {

Protocol parse_protocol(std::string_view name) {
  if (name == "next-item") return Protocol::kNextItem;
  if (name == "last-item") return Protocol::kLastItem;
  if (name == "rest-of-session") return Protocol::kRestOfSession;
  if (name == "leave-one-out") return Protocol::kLeaveOneOut;
  KAIROS_THROW(ErrorKind::kUsage,
               "unknown protocol '{}' (next-item, last-item, rest-of-session, leave-one-out)",
               name);
}

std::string_view protocol_name(Protocol p) {
  switch (p) {
    case Protocol::kNextItem:
      return "next-item";
    case Protocol::kLastItem:
      return "last-item";
    case Protocol::kRestOfSession:
      return "rest-of-session";
    case Protocol::kLeaveOneOut:
      return "leave-one-out";
  }
  return "?";
}

Protocol default_protocol(const Dataset& data) {
  return data.split() == SplitKind::kLeaveOneOut ? Protocol::kLeaveOneOut : Protocol::kNextItem;
}

std::vector<Case> make_cases(const SessionSet& sessions, Protocol p, uint32_t min_prefix,
                             uint64_t max_cases, uint8_t target_types) {
  KAIROS_CHECK_USAGE(min_prefix >= 1, "--min-prefix must be at least 1");
  KAIROS_CHECK_USAGE(target_types == 0 || p == Protocol::kNextItem,
                     "target types apply to the next-item protocol only");
  std::vector<Case> cases;
  for (size_t s = 0; s < sessions.size(); ++s) {
    const auto n = static_cast<uint32_t>(sessions[s].size());
    if (n < 2) continue;
    const auto id = static_cast<uint32_t>(s);
    if (p == Protocol::kLastItem || p == Protocol::kLeaveOneOut) {
      cases.push_back({id, n - 1});
      continue;
    }
    const SessionView v = sessions[s];
    for (uint32_t i = min_prefix; i < n; ++i) {
      if (target_types == 0 || (target_types >> (v.types[i] & 7) & 1) != 0)
        cases.push_back({id, i});
    }
  }
  keep_evenly_spread(&cases, max_cases);
  return cases;
}

void case_targets(const SessionView& s, const Case& c, Protocol p, std::vector<uint32_t>* out) {
  out->clear();
  if (p != Protocol::kRestOfSession) {
    out->push_back(s.items[c.prefix]);
    return;
  }
  out->assign(s.items.begin() + c.prefix, s.items.end());
  std::sort(out->begin(), out->end());
  out->erase(std::unique(out->begin(), out->end()), out->end());
}

}  // namespace kairos::eval
