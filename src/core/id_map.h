// IdMap interns external ids (strings as they appear in logs) into dense 0-based uint32 ids.
//
// Most public logs use decimal integer ids; those take a fast path keyed by their 64-bit value in
// an open-addressing table (no string allocation per row). Any other spelling ("00123", "P-17", "a
// b") is interned as a string. Both spellings of one id never mix: "0123" is not 123.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kairos {

class IdMap {
 public:
  IdMap();

  // Returns the dense id of `key`, adding it if new.
  uint32_t intern(std::string_view key);
  // Interns every id of `other` in its dense order; returns other's dense id -> this map's. After
  // it, this map is the one interning the rows behind `this` and then those behind `other` gives.
  std::vector<uint32_t> absorb(const IdMap& other);
  // Returns the dense id of `key` or kMissing.
  uint32_t find(std::string_view key) const;
  // External spelling of a dense id.
  std::string name(uint32_t id) const;
  size_t size() const { return kinds_.size(); }

  static constexpr uint32_t kMissing = UINT32_MAX;

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  uint32_t find_numeric(uint64_t v) const;
  uint32_t intern_numeric(uint64_t v);
  uint32_t intern_string(std::string_view key);
  void grow_numeric();

  // Open addressing, linear probing; slots_ holds (value, id + 1), 0 meaning empty.
  std::vector<std::pair<uint64_t, uint32_t>> slots_;
  size_t numeric_count_ = 0;
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> strings_;
  // Per dense id: the numeric value, or the index into string_names_ when kinds_[id] == 1.
  std::vector<uint64_t> payload_;
  std::vector<uint8_t> kinds_;
  std::vector<std::string> string_names_;
};

// Parses a canonical decimal (no sign, no leading zero unless "0", at most 19 digits).
bool parse_canonical_u64(std::string_view s, uint64_t* out);

}  // namespace kairos
