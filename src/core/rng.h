// Rng: xoshiro256** seeded by SplitMix64, with the few distributions Kairos needs implemented
// here rather than taken from <random>, whose distributions differ between standard libraries.
// Same seed -> same stream on every platform (the synthetic shop's determinism rests on it).
#pragma once

#include <cmath>
#include <cstdint>

namespace kairos {

__extension__ using uint128_t = unsigned __int128;  // GCC/Clang extension, no -Wpedantic noise

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (auto& s : s_) s = splitmix(seed);
  }
  // An independent stream derived from this seed and a key (e.g. a user index).
  static Rng derive(uint64_t seed, uint64_t key) {
    return Rng(seed ^ (key * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL));
  }

  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // Uniform integer in [0, n) (n > 0), Lemire's multiply-shift (negligible bias for n << 2^64).
  uint64_t below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<uint128_t>(next()) * n) >> 64);
  }
  bool bernoulli(double p) { return uniform() < p; }
  double exponential(double mean) { return -mean * std::log1p(-uniform()); }
  // Standard normal (Box-Muller; one value per call, the partner is discarded for simplicity).
  double normal() {
    const double u1 = 1.0 - uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  double lognormal(double mu, double sigma) { return std::exp(mu + sigma * normal()); }
  // Number of failures before the first success, success probability p in (0, 1].
  uint64_t geometric(double p) {
    if (p >= 1.0) return 0;
    return static_cast<uint64_t>(std::floor(std::log1p(-uniform()) / std::log1p(-p)));
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static uint64_t splitmix(uint64_t& x) {
    uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  uint64_t s_[4];
};

}  // namespace kairos
