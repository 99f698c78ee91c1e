#include "models/baselines/session_index.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace kairos {

void SessionIndex::build(const SessionSet& train, uint32_t num_items) {
  num_items_ = num_items;
  const size_t n = train.size();
  std::vector<int64_t> end(n, 0);
  for (size_t s = 0; s < n; ++s) {
    const auto ts = train[s].ts_ms;
    end[s] = ts.empty() ? static_cast<int64_t>(s) : ts.back();
  }
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return end[a] < end[b]; });

  ordered_off_.assign(1, 0);
  unique_off_.assign(1, 0);
  ordered_.clear();
  unique_.clear();
  end_ms_.clear();
  end_ms_.reserve(n);
  std::vector<uint64_t> item_events(num_items, 0);
  std::vector<uint32_t> u;
  for (uint32_t s : order) {
    const auto items = train[s].items;
    ordered_.insert(ordered_.end(), items.begin(), items.end());
    ordered_off_.push_back(ordered_.size());
    u.assign(items.begin(), items.end());
    std::sort(u.begin(), u.end());
    u.erase(std::unique(u.begin(), u.end()), u.end());
    unique_.insert(unique_.end(), u.begin(), u.end());
    unique_off_.push_back(unique_.size());
    end_ms_.push_back(end[s]);
    for (uint32_t i : items) ++item_events[i];
  }

  // item -> sessions in CSR form; filling in session order keeps every list ascending.
  item_off_.assign(static_cast<size_t>(num_items) + 1, 0);
  for (uint32_t i : unique_) ++item_off_[i + 1];
  std::partial_sum(item_off_.begin(), item_off_.end(), item_off_.begin());
  item_sessions_.resize(unique_.size());
  std::vector<uint64_t> next(item_off_.begin(), item_off_.end() - 1);
  for (uint32_t s = 0; s < num_sessions(); ++s) {
    for (uint32_t i : unique(s)) item_sessions_[next[i]++] = s;
  }

  idf_.assign(num_items, 0.0);
  for (uint32_t i = 0; i < num_items; ++i) {
    if (item_events[i] > 0) {
      idf_[i] = std::log(static_cast<double>(n) / static_cast<double>(item_events[i]));
    }
  }
  fill_.build(train, num_items);
}

}  // namespace kairos
