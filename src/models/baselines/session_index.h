// SessionIndex: the training sessions as the session-kNN family (SKNN, V-SKNN, STAN, V-STAN) needs
// them — ordered and unique items per session, end times, item -> sessions — plus the per-thread
// scratch that finds a query's candidate neighbours without allocating.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "data/dataset.h"

namespace kairos {

class SessionIndex {
 public:
  // Sessions are renumbered by end time (ties: dataset order), so a larger id is more recent.
  void build(const SessionSet& train, uint32_t num_items);

  uint32_t num_sessions() const { return static_cast<uint32_t>(end_ms_.size()); }
  std::span<const uint32_t> ordered(uint32_t s) const {
    return {ordered_.data() + ordered_off_[s], ordered_off_[s + 1] - ordered_off_[s]};
  }
  std::span<const uint32_t> unique(uint32_t s) const {
    return {unique_.data() + unique_off_[s], unique_off_[s + 1] - unique_off_[s]};
  }
  int64_t end_ms(uint32_t s) const { return end_ms_[s]; }
  std::span<const uint32_t> sessions_of(uint32_t item) const {
    if (item + 1 >= item_off_.size()) return {};
    return {item_sessions_.data() + item_off_[item], item_off_[item + 1] - item_off_[item]};
  }
  // log(sessions / events of the item) (session-rec's idf), 0 for unseen items.
  float idf(uint32_t item) const { return item < idf_.size() ? idf_[item] : 0.0f; }
  const std::vector<float>& popularity() const { return pop_; }

  // Per-thread working memory.
  struct Scratch {
    std::vector<uint32_t> session_mark;  // epoch stamps per session
    std::vector<uint32_t> item_mark;     // epoch stamps per item
    uint32_t session_epoch = 0, item_epoch = 0;
    std::vector<uint32_t> candidates;
    void prepare(uint32_t num_sessions, uint32_t num_items);
    uint32_t next_session_epoch();
    uint32_t next_item_epoch();
  };

  // The sessions containing any of `items`; if more than `sample_size` (> 0), the most recent
  // `sample_size` of them (session-rec's "recent" sampling). Result in scratch.candidates.
  void candidates(std::span<const uint32_t> items, uint32_t sample_size, Scratch& scratch) const;

 private:
  std::vector<uint64_t> ordered_off_{0}, unique_off_{0}, item_off_;
  std::vector<uint32_t> ordered_, unique_, item_sessions_;
  std::vector<int64_t> end_ms_;
  std::vector<float> idf_, pop_;
};

}  // namespace kairos
