// SessionIndex: the training sessions as the session-kNN family (SKNN, V-SKNN, STAN, V-STAN)
// needs them: ordered and unique items per session, end times, an inverted index
// item -> sessions, idf weights and the popularity back-fill. Sessions are renumbered by end
// time (ties: dataset order), so a larger id is a more recent session and every item's session
// list is sorted by recency.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "data/dataset.h"
#include "models/baselines/popularity.h"

namespace kairos {

class SessionIndex {
 public:
  void build(const SessionSet& train, uint32_t num_items);

  uint32_t num_items() const { return num_items_; }
  uint32_t num_sessions() const { return static_cast<uint32_t>(end_ms_.size()); }
  // Events in order (STAN's positions) and the distinct items, ascending.
  std::span<const uint32_t> ordered(uint32_t s) const {
    return {ordered_.data() + ordered_off_[s], ordered_off_[s + 1] - ordered_off_[s]};
  }
  std::span<const uint32_t> unique(uint32_t s) const {
    return {unique_.data() + unique_off_[s], unique_off_[s + 1] - unique_off_[s]};
  }
  // Time of the session's last event (unix ms, or the dataset's synthetic clock).
  int64_t end_ms(uint32_t s) const { return end_ms_[s]; }
  // Sessions containing `item`, ascending id = ascending recency; empty for unknown items.
  std::span<const uint32_t> sessions_of(uint32_t item) const {
    if (item == 0 || item >= num_items_) return {};
    return {item_sessions_.data() + item_off_[item], item_off_[item + 1] - item_off_[item]};
  }
  // session-rec's idf: log(#sessions / #events of the item); 0 for unseen items.
  double idf(uint32_t item) const { return idf_[item]; }
  const PopularityFill& fill() const { return fill_; }

 private:
  uint32_t num_items_ = 0;
  std::vector<uint64_t> ordered_off_{0}, unique_off_{0}, item_off_;
  std::vector<uint32_t> ordered_, unique_, item_sessions_;
  std::vector<int64_t> end_ms_;
  std::vector<double> idf_;
  PopularityFill fill_;
};

}  // namespace kairos
