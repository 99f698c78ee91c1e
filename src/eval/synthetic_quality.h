// How close synthetic sessions are to the real ones they imitate, and how much of the real ones
// they copy (docs/TASKS.md "Synthetic sessions"):
//  - distribution: session lengths (total variation distance, lengths above 50 pooled), item
//    popularity and transitions (Jensen-Shannon divergence in bits: 0 = the same distribution,
//    1 = disjoint), the share of synthetic transitions that occur in the real sessions;
//  - privacy: the share of synthetic sessions equal to a real session, and for each run length L
//    the share containing L consecutive items that occur consecutively in a real session.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <span>
#include <utility>
#include <vector>

#include "data/dataset.h"

namespace kairos {

struct SyntheticQuality {
  size_t real_sessions = 0, synthetic_sessions = 0;
  double real_mean_length = 0, synthetic_mean_length = 0;
  double length_tv = 0;
  uint32_t real_items = 0, synthetic_items = 0;  // distinct items used
  double item_js = 0;
  double transition_js = 0;
  double known_transitions = 0;  // share of synthetic transitions seen in the real sessions
  double exact_copies = 0;       // share of synthetic sessions equal to a real session
  std::vector<std::pair<size_t, double>> run_copies;  // (L, share with a copied run of L)
};

// `real`: the sessions the generator learned from; `runs`: the run lengths checked (each >= 2).
SyntheticQuality measure_synthetic(const SessionSet& real,
                                   std::span<const std::vector<uint32_t>> synthetic,
                                   uint32_t num_items, std::span<const size_t> runs);

nlohmann::json to_json(const SyntheticQuality& q);

}  // namespace kairos
