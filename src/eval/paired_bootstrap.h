// Paired differences between two models scored on the same cases, with 95 % intervals from a
// cluster bootstrap: whole clusters (sessions) are resampled with replacement, because the cases
// of one session (its prefixes) are correlated and resampling them one by one would make the
// intervals too narrow. Both models see the same resample, so what the interval measures is the
// difference itself, not two separate spreads (two marginal intervals that overlap can still hide
// a difference that every resample agrees on, and vice versa).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace kairos::eval {

struct PairedDifference {
  double value = 0;          // on all cases
  double low = 0, high = 0;  // 2.5th and 97.5th percentiles over the resamples
  uint32_t resamples = 0;    // those with both classes (ROC-AUC) or any case
};

// ROC-AUC(a) - ROC-AUC(b) for scores a, b of the cases with labels y in clusters `cluster`
// (any ids). Ties count one half. Deterministic for `seed`.
PairedDifference paired_auc_difference(const std::vector<double>& a, const std::vector<double>& b,
                                       const std::vector<int>& y,
                                       const std::vector<uint32_t>& cluster, uint32_t resamples,
                                       uint64_t seed);

// mean(a) - mean(b) of per-case values (e.g. log-losses), clusters resampled as above.
PairedDifference paired_mean_difference(const std::vector<double>& a, const std::vector<double>& b,
                                        const std::vector<uint32_t>& cluster, uint32_t resamples,
                                        uint64_t seed);

// {"difference", "low", "high", "resamples"} (NaN as null).
nlohmann::json to_json(const PairedDifference& d);
// "+0.0070 [+0.0014, +0.0118]".
std::string to_text(const PairedDifference& d);

}  // namespace kairos::eval
