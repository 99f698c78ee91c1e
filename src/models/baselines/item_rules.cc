#include "models/baselines/item_rules.h"

#include <algorithm>

#include "models/session_model.h"

namespace kairos {

void ItemRules::add_row(RuleRowBuilder& row, size_t keep) {
  std::vector<uint32_t>& order = row.order_;
  // Stable: equal weights keep first-seen order.
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return row.weight_[a] > row.weight_[b]; });
  const size_t n = keep > 0 ? std::min(keep, order.size()) : order.size();
  for (size_t i = 0; i < n; ++i) {
    targets_.push_back(order[i]);
    weights_.push_back(static_cast<float>(row.weight_[order[i]]));
  }
  for (uint32_t t : order) {
    row.weight_[t] = 0.0;
    row.seen_[t] = 0;
  }
  order.clear();
  offsets_.push_back(targets_.size());
}

std::span<const uint32_t> ItemRules::targets(uint32_t source) const {
  if (static_cast<size_t>(source) + 1 >= offsets_.size()) return {};
  return {targets_.data() + offsets_[source], offsets_[source + 1] - offsets_[source]};
}

std::span<const float> ItemRules::weights(uint32_t source) const {
  if (static_cast<size_t>(source) + 1 >= offsets_.size()) return {};
  return {weights_.data() + offsets_[source], offsets_[source + 1] - offsets_[source]};
}

void ItemRules::score(uint32_t source, const PopularityFill* fill, std::span<float> scores) const {
  if (fill != nullptr) {
    fill->write(scores);
  } else {
    reset_scores(scores);
  }
  const auto t = targets(source);
  const auto w = weights(source);
  float min_weight = 0.0f;
  for (size_t k = 0; k < t.size(); ++k) {
    if (t[k] >= scores.size() || t[k] == 0) continue;
    scores[t[k]] = w[k];
    min_weight = std::min(min_weight, w[k]);
  }
  if (fill != nullptr && min_weight < 0.0f) {  // rare: negative decay weights (e.g. sr linear)
    std::vector<uint32_t> is_target(scores.size(), 0);
    for (uint32_t item : t) {
      if (item < scores.size()) is_target[item] = 1;
    }
    fill->lower_below(scores, min_weight, is_target, 1);
  }
}

EventIndex::EventIndex(const SessionSet& train, uint32_t num_items) : occ_off(num_items + 1, 0) {
  for (size_t s = 0; s < train.size(); ++s) {
    const auto v = train[s].items;
    const auto begin = static_cast<uint32_t>(items.size());
    items.insert(items.end(), v.begin(), v.end());
    session_begin.insert(session_begin.end(), v.size(), begin);
    session_end.insert(session_end.end(), v.size(), static_cast<uint32_t>(items.size()));
  }
  for (uint32_t i : items) ++occ_off[i + 1];
  for (size_t i = 0; i < num_items; ++i) occ_off[i + 1] += occ_off[i];
  occ.resize(items.size());
  std::vector<uint64_t> fill(occ_off.begin(), occ_off.end() - 1);
  for (uint32_t e = 0; e < items.size(); ++e) occ[fill[items[e]]++] = e;
}

ItemRules mine_sequential_rules(const SessionSet& train, uint32_t num_items, int steps,
                                Decay weighting, size_t keep) {
  const EventIndex ev(train, num_items);
  std::vector<double> weight(static_cast<size_t>(steps) + 1, 0.0);
  for (int d = 1; d <= steps; ++d) weight[d] = step_decay(weighting, d);
  RuleRowBuilder row(num_items);
  ItemRules rules;
  for (uint32_t a = 0; a < num_items; ++a) {
    const uint64_t begin = ev.occ_off[a], end = ev.occ_off[a + 1];
    // One session at a time: the occurrences of `a` in it are occ[g, h). Targets are visited in
    // event order, so "first seen" is the order session-rec inserts them in.
    for (uint64_t g = begin, h; g < end; g = h) {
      const uint32_t stop = ev.session_end[ev.occ[g]];
      for (h = g + 1; h < end && ev.occ[h] < stop; ++h) {
      }
      const uint64_t last = std::min<uint64_t>(stop, uint64_t{ev.occ[h - 1]} + steps + 1);
      for (uint64_t j = ev.occ[g] + 1; j < last; ++j) {
        for (uint64_t o = g; o < h && ev.occ[o] < j; ++o) {
          const uint64_t d = j - ev.occ[o];
          if (d <= static_cast<uint64_t>(steps)) row.add(ev.items[j], weight[d]);
        }
      }
    }
    rules.add_row(row, keep);
  }
  return rules;
}

}  // namespace kairos
