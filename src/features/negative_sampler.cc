#include "features/negative_sampler.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace kairos {

std::vector<uint64_t> item_counts(const SessionSet& sessions, uint32_t num_items) {
  std::vector<uint64_t> counts(num_items, 0);
  for (size_t s = 0; s < sessions.size(); ++s) {
    for (uint32_t item : sessions[s].items) ++counts[item];
  }
  if (!counts.empty()) counts[0] = 0;
  return counts;
}

std::vector<float> log_counts(std::span<const uint64_t> counts) {
  std::vector<float> out(counts.size());
  for (size_t i = 0; i < counts.size(); ++i) {
    out[i] = static_cast<float>(std::log(static_cast<double>(std::max<uint64_t>(counts[i], 1))));
  }
  return out;
}

NegativeSampler::NegativeSampler(std::span<const uint64_t> counts, double alpha)
    : weight_(counts.size(), 0.0) {
  double total = 0;
  for (size_t i = 1; i < counts.size(); ++i) {
    if (counts[i] == 0) continue;
    weight_[i] = std::pow(static_cast<double>(counts[i]), alpha);
    total += weight_[i];
    items_.push_back(static_cast<uint32_t>(i));
  }
  KAIROS_CHECK(!items_.empty(), "negative sampler: no item occurs in training");
  // Vose's construction of the alias table.
  const size_t n = items_.size();
  prob_.assign(n, 0.0);
  alias_.assign(n, 0);
  std::vector<double> scaled(n);
  std::vector<uint32_t> small, large;
  for (size_t k = 0; k < n; ++k) {
    scaled[k] = weight_[items_[k]] * static_cast<double>(n) / total;
    (scaled[k] < 1.0 ? small : large).push_back(static_cast<uint32_t>(k));
  }
  while (!small.empty() && !large.empty()) {
    const uint32_t s = small.back(), l = large.back();
    small.pop_back();
    prob_[s] = scaled[s];
    alias_[s] = l;
    scaled[l] -= 1.0 - scaled[s];
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  for (uint32_t k : large) prob_[k] = 1.0;
  for (uint32_t k : small) prob_[k] = 1.0;  // rounding leftovers
}

void NegativeSampler::sample(Rng& rng, std::span<int64_t> out) const {
  const uint64_t n = items_.size();
  for (int64_t& o : out) {
    const uint64_t k = rng.below(n);
    o = items_[rng.uniform() < prob_[k] ? k : alias_[k]];
  }
}

}  // namespace kairos
