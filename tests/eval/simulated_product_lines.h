// A simulated shop of five product lines named in the item descriptions: customers favour one
// line; new items of each line, first sold from day 100, are bought mostly by that line's fans
// (the audience task's tests).
#pragma once

#include <fmt/format.h>

#include <string>
#include <vector>

#include "core/rng.h"
#include "data/transactions.h"

namespace kairos::test {

inline Transactions product_lines(uint64_t seed) {
  const char* lines[] = {"LANTERN", "TEACUP", "BUNTING", "CANDLE", "NAPKIN"};
  Rng rng(seed);
  Transactions t;
  const int customers = 400;
  std::vector<int> taste(customers);
  for (int c = 0; c < customers; ++c) taste[c] = static_cast<int>(rng.below(5));
  // Old items: 10 per line, sold before day 100.
  for (int c = 0; c < customers; ++c) {
    const int purchases = 1 + static_cast<int>(rng.below(8));
    for (int k = 0; k < purchases; ++k) {
      const int line = rng.bernoulli(0.8) ? taste[c] : static_cast<int>(rng.below(5));
      const std::string item = fmt::format("old-{}-{}", line, rng.below(10));
      t.add("c" + std::to_string(c), static_cast<int32_t>(rng.below(100)), 1, 1.0, item);
      t.set_item_attributes(item, fmt::format("VINTAGE {} NO {}", lines[line], k), 2.0);
    }
  }
  // New items: 2 per line, first sold from day 100, bought mostly by that line's fans.
  for (int line = 0; line < 5; ++line) {
    for (int n = 0; n < 2; ++n) {
      const std::string item = fmt::format("new-{}-{}", line, n);
      t.set_item_attributes(item, fmt::format("NEW {} DESIGN {}", lines[line], n), 3.0);
      for (int c = 0; c < customers; ++c) {
        const double p = taste[c] == line ? 0.3 : 0.02;
        if (rng.bernoulli(p))
          t.add("c" + std::to_string(c), 100 + static_cast<int32_t>(rng.below(30)), 1, 1.0, item);
      }
    }
  }
  return t;
}

}  // namespace kairos::test
