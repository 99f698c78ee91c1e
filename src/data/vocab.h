// Vocab: external id <-> dense index, index 0 reserved for padding/unknown ("").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kairos {

class Vocab {
 public:
  Vocab() : names_{""} {}
  explicit Vocab(std::vector<std::string> names);  // names[0] must be "" (padding)

  // Index of `name`, or 0 (unknown) if absent.
  uint32_t find(std::string_view name) const;
  const std::string& name(uint32_t index) const { return names_[index]; }
  uint32_t size() const { return static_cast<uint32_t>(names_.size()); }
  const std::vector<std::string>& names() const { return names_; }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::vector<std::string> names_;
  std::unordered_map<std::string, uint32_t, Hash, std::equal_to<>> index_;
};

}  // namespace kairos
