#include "eval/ranking/rank.h"

#include <algorithm>
#include <vector>

#include "core/error.h"

namespace kairos::eval {
namespace {

double from_counts(uint64_t greater, uint64_t equal, TieMode mode) {
  switch (mode) {
    case TieMode::kConservative:
      return 1.0 + static_cast<double>(greater + equal);
    case TieMode::kStandard:
      return 1.0 + static_cast<double>(greater);
    case TieMode::kMedian:
      return 1.0 + static_cast<double>(greater) + static_cast<double>(equal) / 2.0;
  }
  return 0;
}

}  // namespace

TieMode parse_tie_mode(std::string_view name) {
  if (name == "conservative") return TieMode::kConservative;
  if (name == "standard" || name == "optimistic") return TieMode::kStandard;
  if (name == "median") return TieMode::kMedian;
  KAIROS_THROW(ErrorKind::kUsage, "unknown tie mode '{}' (conservative, standard, median)", name);
}

std::string_view tie_mode_name(TieMode mode) {
  switch (mode) {
    case TieMode::kConservative:
      return "conservative";
    case TieMode::kStandard:
      return "standard";
    case TieMode::kMedian:
      return "median";
  }
  return "?";
}

double rank_of(std::span<const float> scores, uint32_t target, TieMode mode,
               std::span<const uint32_t> exclude) {
  KAIROS_ASSERT(target >= 1 && target < scores.size());
  const float t = scores[target];
  uint64_t greater = 0, equal = 0;
  const float* s = scores.data();
  for (size_t i = 1; i < scores.size(); ++i) {
    greater += s[i] > t;
    equal += s[i] == t;
  }
  equal -= 1;  // the target itself
  if (!exclude.empty()) {
    // Remove each distinct excluded item (other than the target) from the counts.
    std::vector<uint32_t> ex(exclude.begin(), exclude.end());
    std::sort(ex.begin(), ex.end());
    ex.erase(std::unique(ex.begin(), ex.end()), ex.end());
    for (uint32_t i : ex) {
      if (i == target || i == 0 || i >= scores.size()) continue;
      greater -= s[i] > t;
      equal -= s[i] == t;
    }
  }
  return from_counts(greater, equal, mode);
}

double rank_among(float target_score, std::span<const float> candidate_scores, TieMode mode) {
  uint64_t greater = 0, equal = 0;
  for (float c : candidate_scores) {
    greater += c > target_score;
    equal += c == target_score;
  }
  return from_counts(greater, equal, mode);
}

}  // namespace kairos::eval
