#include "models/attention_shares.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

namespace kairos {

std::vector<EventAttribution> attention_shares(std::span<const size_t> positions,
                                               std::span<const uint32_t> items,
                                               std::span<const float> weights) {
  const double total = std::max(1e-12, std::accumulate(weights.begin(), weights.end(), 0.0));
  std::vector<EventAttribution> out;
  out.reserve(weights.size());
  for (size_t j = 0; j < weights.size(); ++j) {
    const auto w = static_cast<float>(weights[j] / total);
    out.push_back({static_cast<uint32_t>(positions[j]), items[positions[j]], w,
                   fmt::format("{:.0f}% of the session's attention", 100.0 * w)});
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.weight > b.weight; });
  return out;
}

}  // namespace kairos
