#include "models/generative/markov_generator.h"

#include <algorithm>
#include <map>

#include "core/error.h"

namespace kairos {

namespace {
// Counts -> (item, cumulative count) rows in item order (deterministic for a seed).
std::vector<std::pair<uint32_t, uint64_t>> cumulative(const std::map<uint32_t, uint64_t>& counts) {
  std::vector<std::pair<uint32_t, uint64_t>> row;
  uint64_t total = 0;
  for (const auto& [item, n] : counts) row.emplace_back(item, total += n);
  return row;
}
}  // namespace

void MarkovGenerator::fit(const SessionSet& sessions, uint32_t num_items) {
  std::map<uint32_t, uint64_t> start;
  std::vector<std::map<uint32_t, uint64_t>> next(num_items);
  for (size_t s = 0; s < sessions.size(); ++s) {
    const auto items = sessions[s].items;
    if (items.empty()) continue;
    ++start[items[0]];
    for (size_t i = 0; i < items.size(); ++i) {
      KAIROS_CHECK(items[i] > 0 && items[i] < num_items, "markov generator: item {} out of range",
                   items[i]);
      ++next[items[i]][i + 1 < items.size() ? items[i + 1] : 0];  // 0: the session ends
    }
  }
  KAIROS_CHECK_USAGE(!start.empty(), "markov generator: no training sessions");
  start_ = cumulative(start);
  next_.assign(num_items, {});
  for (uint32_t a = 1; a < num_items; ++a) next_[a] = cumulative(next[a]);
}

uint32_t MarkovGenerator::draw(Rng& rng, const std::vector<std::pair<uint32_t, uint64_t>>& row) {
  const uint64_t u = rng.below(row.back().second);
  return std::upper_bound(row.begin(), row.end(), u,
                          [](uint64_t v, const auto& e) { return v < e.second; })
      ->first;
}

std::vector<std::vector<uint32_t>> MarkovGenerator::generate(size_t n, Rng& rng,
                                                             const CopyIndex* guard,
                                                             GenerateStats* stats) const {
  std::vector<std::vector<uint32_t>> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back(generate_one(rng, guard, stats));
  return out;
}

std::vector<uint32_t> MarkovGenerator::generate_one(Rng& rng, const CopyIndex* guard,
                                                    GenerateStats* stats) const {
  KAIROS_CHECK(!start_.empty(), "markov generator: fit() first");
  std::vector<uint32_t> s = {draw(rng, start_)};
  while (true) {
    if (s.size() >= max_length_) {
      ++stats->cut;
      break;
    }
    uint32_t item = 0;
    bool copied = true;
    for (int t = 0; t < max_tries_ && copied; ++t) {
      item = draw(rng, next_[s.back()]);
      if (item == 0 || guard == nullptr) break;
      s.push_back(item);
      copied = guard->ends_with_run(s);
      s.pop_back();
      if (copied) ++stats->redrawn;
    }
    if (item == 0) break;
    if (guard != nullptr && copied) {
      ++stats->forced_ends;
      break;
    }
    s.push_back(item);
  }
  ++stats->sessions;
  stats->events += s.size();
  return s;
}

}  // namespace kairos
