// ItemRules: a sparse item -> (item, weight) table in CSR form, the storage of the methods that
// score from the session's last item (Markov, sequential rules, item-kNN).
//
// Rows are built one source item at a time with a RuleRowBuilder, which remembers the order in
// which targets were first seen: pruning keeps the `keep` largest weights and, among equal
// weights, the first seen (what session-rec's Counter.most_common does), so the pruned tables
// equal session-rec's.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "data/dataset.h"
#include "models/baselines/decay.h"
#include "models/baselines/popularity.h"

namespace kairos {

class RuleRowBuilder {
 public:
  explicit RuleRowBuilder(uint32_t num_items) : weight_(num_items, 0.0), seen_(num_items, 0) {}
  void add(uint32_t target, double w) {
    if (!seen_[target]) {
      seen_[target] = 1;
      order_.push_back(target);
    }
    weight_[target] += w;
  }
  // Targets of the current row in first-seen order; their weights can be rescaled in place.
  std::span<const uint32_t> targets() const { return order_; }
  double& weight(uint32_t target) { return weight_[target]; }

 private:
  friend class ItemRules;
  std::vector<double> weight_;
  std::vector<uint8_t> seen_;
  std::vector<uint32_t> order_;
};

class ItemRules {
 public:
  // Appends the row of the next source item (rows are added for items 0, 1, 2, ... in order)
  // from `row`, keeping the `keep` (0 = all) largest weights; clears `row` for the next source.
  void add_row(RuleRowBuilder& row, size_t keep);

  std::span<const uint32_t> targets(uint32_t source) const;
  std::span<const float> weights(uint32_t source) const;

  // Scores the row of `source`: rule weights for its targets; every other item 0, or with
  // `fill` the popularity back-fill strictly below every target. scores[0] = -inf.
  void score(uint32_t source, const PopularityFill* fill, std::span<float> scores) const;

 private:
  std::vector<uint64_t> offsets_{0};
  std::vector<uint32_t> targets_;
  std::vector<float> weights_;
};

// The training events back to back, with each item's occurrences (event indices, in training
// order). Item indices must be < num_items (Dataset checks it).
struct EventIndex {
  EventIndex(const SessionSet& train, uint32_t num_items);
  std::vector<uint32_t> items;          // per event
  std::vector<uint32_t> session_begin;  // per event: first event of its session
  std::vector<uint32_t> session_end;    // per event: one past the last event of its session
  std::vector<uint64_t> occ_off;        // item i occurs at occ[occ_off[i] .. occ_off[i+1])
  std::vector<uint32_t> occ;
  std::span<const uint32_t> occurrences(uint32_t item) const {
    return {occ.data() + occ_off[item], occ_off[item + 1] - occ_off[item]};
  }
};

// Sequential rules as session-rec mines them: whenever b follows a at distance d <= steps inside
// a training session, rule a -> b gains step_decay(d); each item keeps its `keep` (0 = all)
// strongest rules. steps = 1 with `same` is session-rec's Markov chain (transition counts).
ItemRules mine_sequential_rules(const SessionSet& train, uint32_t num_items, int steps,
                                Decay weighting, size_t keep);

}  // namespace kairos
