// The rank of a target item in a full score vector, with explicit tie handling — the one place
// evaluation decides what "rank" means (docs/PROTOCOLS.md).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace kairos::eval {

enum class TieMode {
  kConservative,  // default: the target ranks below every other item with an equal score
  kStandard,      // optimistic: only strictly higher scores rank above the target
  kMedian,        // the target sits in the middle of its tie group
};
TieMode parse_tie_mode(std::string_view name);  // throws kUsage
std::string_view tie_mode_name(TieMode mode);

// 1-based rank of `target` among items 1..scores.size()-1 (index 0 is padding and never ranks).
// Items in `exclude` (e.g. a user's history) are removed from the ranking unless they are the
// target; duplicates in `exclude` are fine. Median ranks can be x.5. O(n + |exclude|).
double rank_of(std::span<const float> scores, uint32_t target, TieMode mode,
               std::span<const uint32_t> exclude = {});

// Rank of a score against an explicit candidate list (sampled evaluation): 1 + the candidates
// above it under `mode`.
double rank_among(float target_score, std::span<const float> candidate_scores, TieMode mode);

}  // namespace kairos::eval
