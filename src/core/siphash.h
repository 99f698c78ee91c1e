// SipHash-2-4 (Aumasson & Bernstein, 2012): a keyed 64-bit hash. Tables whose keys a client
// chooses (session ids) hash with a random per-process key, so no client can aim many keys at one
// shard or bucket (hash flooding).
#pragma once

#include <cstdint>
#include <string_view>

namespace kairos {

struct SipKey {
  uint64_t k0 = 0, k1 = 0;
  static SipKey random();  // from std::random_device
};

uint64_t siphash24(const SipKey& key, std::string_view data);

// A hasher for unordered containers of strings, keyed.
struct SipHasher {
  SipKey key;
  size_t operator()(std::string_view s) const { return siphash24(key, s); }
};

}  // namespace kairos
