#include "data/filters.h"

namespace kairos {

FilterCounts remove_consecutive_duplicates(SessionTable* table) {
  const SessionTable& t = *table;
  const std::vector<uint64_t> offsets = t.offsets;  // compact() rewrites offsets as it goes
  return compact(
      table, [&](size_t s, uint64_t e) { return e == offsets[s] || t.item[e] != t.item[e - 1]; },
      [](uint64_t) { return true; });
}

IterativeFilterReport filter_support_and_length(SessionTable* table, uint32_t min_item_support,
                                                uint32_t min_session_length, size_t num_items) {
  IterativeFilterReport report;
  std::vector<uint64_t> support(num_items);
  for (;;) {
    IterativeFilterReport::Round round;
    if (min_session_length > 1) {
      const auto c = compact(
          table, [](size_t, uint64_t) { return true; },
          [&](uint64_t len) { return len >= min_session_length; });
      round.events_removed += c.events_removed;
      round.sessions_removed += c.sessions_removed;
    }
    if (min_item_support > 1) {
      std::fill(support.begin(), support.end(), 0);
      for (uint32_t item : table->item) ++support[item];
      for (uint64_t n : support) round.items_removed += (n > 0 && n < min_item_support) ? 1 : 0;
      if (round.items_removed > 0) {
        const auto c = compact(
            table, [&](size_t, uint64_t e) { return support[table->item[e]] >= min_item_support; },
            [](uint64_t len) { return len > 0; });
        round.events_removed += c.events_removed;
        round.sessions_removed += c.sessions_removed;
      }
    }
    if (round.events_removed == 0 && round.sessions_removed == 0) break;
    report.total.events_removed += round.events_removed;
    report.total.sessions_removed += round.sessions_removed;
    report.rounds.push_back(round);
  }
  return report;
}

}  // namespace kairos
