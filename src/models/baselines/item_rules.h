// A sparse item -> (item, weight) table in CSR form, built from dense per-source accumulation:
// the storage of Markov-like methods (sequential rules, item-kNN neighbours).
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

namespace kairos {

struct ItemRules {
  std::vector<uint64_t> offsets{0};
  std::vector<uint32_t> targets;
  std::vector<float> weights;

  // Appends the row of the next source item: the `keep` (0 = all) largest of `touched` entries
  // of `dense` (ties: lower item first), then clears them in `dense`.
  void add_row(std::vector<float>& dense, std::vector<uint32_t>& touched, size_t keep) {
    std::sort(touched.begin(), touched.end());
    if (keep > 0 && touched.size() > keep) {
      std::partial_sort(touched.begin(), touched.begin() + static_cast<std::ptrdiff_t>(keep),
                        touched.end(), [&](uint32_t a, uint32_t b) {
                          return dense[a] > dense[b] || (dense[a] == dense[b] && a < b);
                        });
      for (size_t i = keep; i < touched.size(); ++i) dense[touched[i]] = 0;
      touched.resize(keep);
    }
    for (uint32_t t : touched) {
      targets.push_back(t);
      weights.push_back(dense[t]);
      dense[t] = 0;
    }
    touched.clear();
    offsets.push_back(targets.size());
  }
  // Adds the row of `source` to `scores`; returns whether it had any entry.
  bool add_to(uint32_t source, std::span<float> scores, std::span<uint8_t> touched) const {
    if (source + 1 >= offsets.size()) return false;
    for (uint64_t k = offsets[source]; k < offsets[source + 1]; ++k) {
      scores[targets[k]] += weights[k];
      touched[targets[k]] = 1;
    }
    return offsets[source + 1] > offsets[source];
  }
};

}  // namespace kairos
