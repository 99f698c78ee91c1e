#include "eval/synthetic_quality.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "core/error.h"
#include "models/generative/copy_index.h"

namespace kairos {

namespace {

constexpr size_t kLongest = 50;  // lengths above are pooled

// Jensen-Shannon divergence (bits) of two count tables over the same keys; `both` yields
// (count in a, count in b) for every key present in either.
template <typename ForEach>
double js_bits(double total_a, double total_b, ForEach both) {
  if (total_a == 0 || total_b == 0) return 1.0;
  double js = 0;
  both([&](double a, double b) {
    const double p = a / total_a, q = b / total_b, m = 0.5 * (p + q);
    if (p > 0) js += 0.5 * p * std::log2(p / m);
    if (q > 0) js += 0.5 * q * std::log2(q / m);
  });
  return std::clamp(js, 0.0, 1.0);
}

uint64_t pair_key(uint32_t a, uint32_t b) { return (static_cast<uint64_t>(a) << 32) | b; }

}  // namespace

SyntheticQuality measure_synthetic(const SessionSet& real,
                                   std::span<const std::vector<uint32_t>> synthetic,
                                   uint32_t num_items, std::span<const size_t> runs) {
  SyntheticQuality q;
  q.real_sessions = real.size();
  q.synthetic_sessions = synthetic.size();
  std::vector<double> len_real(kLongest + 1, 0), len_synth(kLongest + 1, 0);
  std::vector<double> items_real(num_items, 0), items_synth(num_items, 0);
  std::unordered_map<uint64_t, std::pair<double, double>> pairs;
  double events_real = 0, events_synth = 0, pairs_real = 0, pairs_synth = 0;
  const auto count = [&](std::span<const uint32_t> items, bool is_real) {
    (is_real ? len_real : len_synth)[std::min(items.size(), kLongest)] += 1;
    (is_real ? events_real : events_synth) += static_cast<double>(items.size());
    auto& counts = is_real ? items_real : items_synth;
    for (size_t i = 0; i < items.size(); ++i) {
      KAIROS_CHECK(items[i] > 0 && items[i] < num_items, "synthetic check: item {} out of range",
                   items[i]);
      counts[items[i]] += 1;
      if (i == 0) continue;
      auto& p = pairs[pair_key(items[i - 1], items[i])];
      (is_real ? p.first : p.second) += 1;
      (is_real ? pairs_real : pairs_synth) += 1;
    }
  };
  for (size_t s = 0; s < real.size(); ++s) count(real[s].items, true);
  for (const auto& s : synthetic) count(s, false);

  const double n_real = static_cast<double>(q.real_sessions);
  const double n_synth = static_cast<double>(q.synthetic_sessions);
  q.real_mean_length = n_real > 0 ? events_real / n_real : 0;
  q.synthetic_mean_length = n_synth > 0 ? events_synth / n_synth : 0;
  if (n_real > 0 && n_synth > 0) {
    for (size_t l = 0; l <= kLongest; ++l) {
      q.length_tv += 0.5 * std::abs(len_real[l] / n_real - len_synth[l] / n_synth);
    }
  } else {
    q.length_tv = 1.0;
  }
  for (uint32_t i = 1; i < num_items; ++i) {
    q.real_items += items_real[i] > 0;
    q.synthetic_items += items_synth[i] > 0;
  }
  q.item_js = js_bits(events_real, events_synth, [&](auto&& f) {
    for (uint32_t i = 1; i < num_items; ++i) {
      if (items_real[i] > 0 || items_synth[i] > 0) f(items_real[i], items_synth[i]);
    }
  });
  q.transition_js = js_bits(pairs_real, pairs_synth, [&](auto&& f) {
    for (const auto& [key, c] : pairs) f(c.first, c.second);
  });
  double known = 0;
  for (const auto& [key, c] : pairs) {
    if (c.first > 0) known += c.second;
  }
  q.known_transitions = pairs_synth > 0 ? known / pairs_synth : 0;

  // Privacy: one index per run length (the first also answers whole-session copies).
  const size_t first_run = runs.empty() ? 2 : runs[0];
  {
    const CopyIndex index(real, first_run);
    double exact = 0;
    for (const auto& s : synthetic) exact += index.is_copy(s);
    q.exact_copies = n_synth > 0 ? exact / n_synth : 0;
  }
  for (size_t run : runs) {
    const CopyIndex index(real, run);
    double copied = 0;
    for (const auto& s : synthetic) copied += index.copies_run(s);
    q.run_copies.emplace_back(run, n_synth > 0 ? copied / n_synth : 0);
  }
  return q;
}

nlohmann::json to_json(const SyntheticQuality& q) {
  nlohmann::json runs = nlohmann::json::object();
  for (const auto& [run, share] : q.run_copies) runs[std::to_string(run)] = share;
  return {{"real_sessions", q.real_sessions},
          {"synthetic_sessions", q.synthetic_sessions},
          {"mean_length", {{"real", q.real_mean_length}, {"synthetic", q.synthetic_mean_length}}},
          {"length_tv", q.length_tv},
          {"distinct_items", {{"real", q.real_items}, {"synthetic", q.synthetic_items}}},
          {"item_js_bits", q.item_js},
          {"transition_js_bits", q.transition_js},
          {"known_transitions", q.known_transitions},
          {"exact_copies", q.exact_copies},
          {"run_copies", runs}};
}

}  // namespace kairos
