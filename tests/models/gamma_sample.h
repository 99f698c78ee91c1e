// Gamma(shape, rate) draws for the simulated customer populations of the BG/NBD and Pareto/NBD
// tests: Marsaglia & Tsang's method, with the shape < 1 boost.
#pragma once

#include <cmath>

#include "core/rng.h"

namespace kairos::test {

inline double gamma_sample(Rng& rng, double shape, double rate) {
  const double k = shape < 1 ? shape + 1 : shape;
  const double d = k - 1.0 / 3, c = 1 / std::sqrt(9 * d);
  double v;
  for (;;) {
    const double z = rng.normal();
    v = 1 + c * z;
    if (v <= 0) continue;
    v = v * v * v;
    const double u = rng.uniform();
    if (std::log(u) < 0.5 * z * z + d - d * v + d * std::log(v)) break;
  }
  double g = d * v;
  if (shape < 1) g *= std::pow(rng.uniform(), 1 / shape);
  return g / rate;
}

}  // namespace kairos::test
