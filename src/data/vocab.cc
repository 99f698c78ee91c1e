#include "data/vocab.h"

#include "core/error.h"

namespace kairos {

Vocab::Vocab(std::vector<std::string> names) : names_(std::move(names)) {
  KAIROS_CHECK(!names_.empty() && names_[0].empty(), "vocabulary index 0 must be the padding ''");
  index_.reserve(names_.size());
  for (uint32_t i = 1; i < names_.size(); ++i) {
    const bool inserted = index_.emplace(names_[i], i).second;
    KAIROS_CHECK(inserted, "duplicate id '{}' in vocabulary", names_[i]);
  }
}

uint32_t Vocab::find(std::string_view name) const {
  auto it = index_.find(name);
  return it == index_.end() ? 0 : it->second;
}

}  // namespace kairos
