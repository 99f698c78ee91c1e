#include "data/synthetic_clock.h"

#include <algorithm>
#include <limits>

namespace kairos {
namespace {

constexpr int64_t kEventStepMs = 1000;
constexpr int64_t kHourMs = 3600 * 1000;

void spread(SessionTable* t, uint8_t part, int64_t begin_ms, int64_t end_ms) {
  size_t n = 0;
  for (uint8_t p : t->part) n += p == part ? 1 : 0;
  if (n == 0) return;
  const double step = static_cast<double>(end_ms - begin_ms) / static_cast<double>(n);
  size_t k = 0;
  for (size_t s = 0; s < t->num_sessions(); ++s) {
    if (t->part[s] != part) continue;
    const auto start = begin_ms + static_cast<int64_t>(step * static_cast<double>(k++));
    for (uint64_t e = t->offsets[s]; e < t->offsets[s + 1]; ++e) {
      t->ts[e] = start + static_cast<int64_t>(e - t->offsets[s]) * kEventStepMs;
    }
  }
}

}  // namespace

void apply_synthetic_clock(const SyntheticClock& clock, const bool untimed[2],
                           SessionTable* table) {
  int64_t test_first = std::numeric_limits<int64_t>::max();
  for (size_t s = 0; s < table->num_sessions(); ++s) {
    if (table->part[s] == 1) test_first = std::min(test_first, table->start_ts(s));
  }
  const bool test_timed = !untimed[1] && test_first != std::numeric_limits<int64_t>::max();
  if (untimed[0]) {
    const int64_t train_end = test_timed ? test_first - kHourMs : clock.train_end_ms;
    // A configured start after the derived end (real test times from another year) keeps the
    // configured span length, ending at the derived end: training never overlaps the test.
    const int64_t train_start =
        clock.train_start_ms < train_end
            ? clock.train_start_ms
            : train_end - std::max<int64_t>(clock.train_end_ms - clock.train_start_ms, kHourMs);
    spread(table, 0, train_start, train_end);
  }
  if (untimed[1]) spread(table, 1, clock.train_end_ms, clock.test_end_ms);
}

}  // namespace kairos
