#include "features/prefix_examples.h"

namespace kairos {

std::vector<PrefixExample> prefix_examples(const SessionSet& sessions, uint32_t min_prefix,
                                           bool last_only) {
  std::vector<PrefixExample> out;
  if (min_prefix < 1) min_prefix = 1;
  for (size_t s = 0; s < sessions.size(); ++s) {
    const auto n = static_cast<uint32_t>(sessions[s].size());
    if (n < 2) continue;
    const uint32_t first = last_only ? n - 1 : min_prefix;
    for (uint32_t len = std::max(first, min_prefix); len < n; ++len) {
      out.push_back({static_cast<uint32_t>(s), len});
    }
  }
  return out;
}

}  // namespace kairos
