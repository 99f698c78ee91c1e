#include "models/baselines/session_index.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "models/baselines/popularity.h"

namespace kairos {

void SessionIndex::build(const SessionSet& train, uint32_t num_items) {
  const size_t n = train.size();
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::vector<int64_t> end(n, 0);
  for (size_t s = 0; s < n; ++s) {
    const auto ts = train[s].ts_ms;
    end[s] = ts.empty() ? static_cast<int64_t>(s) : ts.back();
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return end[a] < end[b]; });

  ordered_off_.assign(1, 0);
  unique_off_.assign(1, 0);
  ordered_.clear();
  unique_.clear();
  end_ms_.clear();
  std::vector<uint64_t> item_count(num_items, 0);
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
    for (uint32_t i : items) ++item_count[i];
  }
  // item -> sessions (ascending ids = ascending recency), CSR.
  item_off_.assign(num_items + 1, 0);
  for (uint32_t i : unique_) ++item_off_[i + 1];
  std::partial_sum(item_off_.begin(), item_off_.end(), item_off_.begin());
  item_sessions_.resize(unique_.size());
  std::vector<uint64_t> fill(item_off_.begin(), item_off_.end() - 1);
  for (uint32_t s = 0; s < num_sessions(); ++s) {
    for (uint32_t i : unique(s)) item_sessions_[fill[i]++] = s;
  }
  idf_.assign(num_items, 0.0f);
  for (uint32_t i = 0; i < num_items; ++i) {
    if (item_count[i] > 0) {
      idf_[i] =
          static_cast<float>(std::log(static_cast<double>(n) / static_cast<double>(item_count[i])));
    }
  }
  pop_ = normalized_popularity(train, num_items);
}

void SessionIndex::Scratch::prepare(uint32_t num_sessions, uint32_t num_items) {
  if (session_mark.size() != num_sessions) {
    session_mark.assign(num_sessions, 0);
    session_epoch = 0;
  }
  if (item_mark.size() != num_items) {
    item_mark.assign(num_items, 0);
    item_epoch = 0;
  }
}

uint32_t SessionIndex::Scratch::next_session_epoch() {
  if (++session_epoch == 0) {
    std::fill(session_mark.begin(), session_mark.end(), 0);
    session_epoch = 1;
  }
  return session_epoch;
}

uint32_t SessionIndex::Scratch::next_item_epoch() {
  if (++item_epoch == 0) {
    std::fill(item_mark.begin(), item_mark.end(), 0);
    item_epoch = 1;
  }
  return item_epoch;
}

void SessionIndex::candidates(std::span<const uint32_t> items, uint32_t sample_size,
                              Scratch& scratch) const {
  auto& out = scratch.candidates;
  out.clear();
  const uint32_t epoch = scratch.next_session_epoch();
  for (uint32_t item : items) {
    for (uint32_t s : sessions_of(item)) {
      if (scratch.session_mark[s] == epoch) continue;
      scratch.session_mark[s] = epoch;
      out.push_back(s);
    }
  }
  if (sample_size > 0 && out.size() > sample_size) {
    std::nth_element(out.begin(), out.begin() + sample_size, out.end(), std::greater<>());
    out.resize(sample_size);
  }
}

}  // namespace kairos
