// Prefix examples: the (x1..xi) -> x(i+1) cases of a session set, as used by next-item training
// (SR-GNN-style prefix augmentation) and by the next-item evaluation protocols.
#pragma once

#include <cstdint>
#include <vector>

#include "data/dataset.h"

namespace kairos {

struct PrefixExample {
  uint32_t session;  // index within the SessionSet
  uint32_t length;   // prefix length i (>= 1); the target is event i (0-based) of the session
};

// All prefixes of length >= min_prefix with a following target; last_only keeps only the longest
// prefix of each session.
std::vector<PrefixExample> prefix_examples(const SessionSet& sessions, uint32_t min_prefix,
                                           bool last_only);

}  // namespace kairos
