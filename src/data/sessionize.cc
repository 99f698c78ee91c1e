#include <algorithm>
#include <numeric>

#include "core/error.h"
#include "core/huge_pages.h"
#include "data/session_table.h"

namespace kairos {
namespace {

// Stable counting sort of event indices by a dense key (kNone keys are rejected by the caller).
std::vector<uint32_t> group_by(const std::vector<uint32_t>& key, size_t num_keys,
                               std::vector<uint64_t>* starts) {
  starts->assign(num_keys + 1, 0);
  for (uint32_t k : key) ++(*starts)[k + 1];
  std::partial_sum(starts->begin(), starts->end(), starts->begin());
  std::vector<uint64_t> cursor(starts->begin(), starts->end() - 1);
  std::vector<uint32_t> order;
  reserve_huge(&order, key.size());
  order.resize(key.size());
  for (uint32_t i = 0; i < key.size(); ++i) order[cursor[key[i]]++] = i;
  return order;
}

void sort_by_time(const std::vector<int64_t>& ts, uint32_t* begin, uint32_t* end) {
  auto earlier = [&ts](uint32_t a, uint32_t b) { return ts[a] < ts[b]; };
  if (!std::is_sorted(begin, end, earlier)) std::stable_sort(begin, end, earlier);
}

}  // namespace

SessionTable sessionize(EventLog& log, SessionMode mode, int64_t session_gap_ms) {
  KAIROS_CHECK(log.size() < UINT32_MAX, "more than 4 billion events in one prepare run");
  const bool by_session = mode == SessionMode::kSessionId;
  const std::vector<uint32_t>& key = by_session ? log.session : log.user;
  const size_t num_keys = by_session ? log.sessions.size() : log.users.size();
  for (size_t i = 0; i < key.size(); ++i) {
    KAIROS_CHECK(key[i] != kNone, "event {} has no {} id: cannot form sessions ({})", i,
                 by_session ? "session" : "user",
                 by_session ? "mix of rows with and without session ids"
                            : "the data has neither session nor user ids");
  }
  std::vector<uint64_t> starts;
  std::vector<uint32_t> order = group_by(key, num_keys, &starts);

  SessionTable table;
  reserve_huge(&table.item, log.size());
  reserve_huge(&table.type, log.size());
  reserve_huge(&table.ts, log.size());
  for (size_t k = 0; k < num_keys; ++k) {
    uint32_t* b = order.data() + starts[k];
    uint32_t* e = order.data() + starts[k + 1];
    if (b == e) continue;
    sort_by_time(log.ts_ms, b, e);
    int64_t prev_ts = log.ts_ms[*b];
    uint8_t prev_part = *b >= log.test_begin ? 1 : 0;
    for (uint32_t* p = b; p != e; ++p) {
      const uint32_t i = *p;
      const uint8_t part = i >= log.test_begin ? 1 : 0;
      const bool cut = p != b && (part != prev_part || (mode == SessionMode::kUserGap &&
                                                        log.ts_ms[i] - prev_ts > session_gap_ms));
      if (cut) table.add_session_end(log.user[*(p - 1)], prev_part);
      table.item.push_back(log.item[i]);
      table.type.push_back(static_cast<uint8_t>(log.type[i]));
      table.ts.push_back(log.ts_ms[i]);
      prev_ts = log.ts_ms[i];
      prev_part = part;
    }
    table.add_session_end(log.user[*(e - 1)], prev_part);
  }
  // The per-event columns are no longer needed; ids, categories and the report stay.
  std::vector<uint32_t>().swap(log.user);
  std::vector<uint32_t>().swap(log.session);
  std::vector<uint32_t>().swap(log.item);
  std::vector<int64_t>().swap(log.ts_ms);
  std::vector<EventType>().swap(log.type);
  return table;
}

}  // namespace kairos
