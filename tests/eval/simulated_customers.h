// A simulated shop whose customers follow the BG/NBD story in days (each with their own purchase
// rate and drop-out probability), for the return task's tests.
#pragma once

#include <string>

#include "core/rng.h"
#include "data/transactions.h"

namespace kairos::test {

inline Transactions simulated_customers(size_t customers, uint64_t seed) {
  Rng rng(seed);
  Transactions t;
  for (size_t c = 0; c < customers; ++c) {
    const std::string id = "c" + std::to_string(c);
    auto day = static_cast<int32_t>(rng.below(120));
    const double mean_gap = 10 + 200 * rng.uniform();  // days between purchases
    const double drop = 0.05 + 0.5 * rng.uniform();    // drop-out after each purchase
    for (;;) {
      t.add(id, day, 1, 10.0 + static_cast<double>(rng.below(40)));
      if (rng.bernoulli(drop)) break;
      day += 1 + static_cast<int32_t>(rng.exponential(mean_gap));
      if (day >= 700) break;
    }
  }
  return t;
}

}  // namespace kairos::test
