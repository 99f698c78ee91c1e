// A loaded artifact prepared for serving: external id -> index, category ids, the popularity
// order for fallbacks, and a version number that changes with every (re)load.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/artifact.h"

namespace kairos {

struct ServedModel {
  Artifact artifact;
  std::string dir;
  uint64_t version = 0;
  Vocab categories;                     // external category <-> id (0 = none)
  std::vector<uint32_t> item_category;  // item index -> category id
  std::vector<uint32_t> by_popularity;  // item indices, most frequent first

  uint32_t num_items() const { return artifact.num_items(); }
  uint32_t find(const std::string& id) const { return artifact.items.find(id); }
};

// Loads, indexes and warms up (scores an empty and a one-item session) an artifact.
std::shared_ptr<const ServedModel> load_served_model(const std::string& dir, uint64_t version);

}  // namespace kairos
