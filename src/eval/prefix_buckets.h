// Prefix-length buckets for per-length results (how accuracy grows as a session goes on): the
// same six buckets for every task's report.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace kairos::eval {

inline constexpr std::array<const char*, 6> kPrefixBuckets = {"1", "2", "3", "4-5", "6-10", "11+"};

// The bucket of a prefix of `length` >= 1 events.
inline size_t prefix_bucket(uint32_t length) {
  if (length <= 3) return length == 0 ? 0 : length - 1;
  if (length <= 5) return 3;
  if (length <= 10) return 4;
  return 5;
}

}  // namespace kairos::eval
