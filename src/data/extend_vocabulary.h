// Re-indexing a dataset onto an earlier model's vocabulary (warm-start training,
// docs/ONLINE.md): item i of `base` keeps index i, whether or not it occurs in the new data; items
// the base never saw are appended after them, in the new dataset's order. Categories are the
// union (the new data's first, then the base's other ones); an item takes its category from the
// new data when it has one there, else from the base. Sessions, splits, times and users are
// unchanged. Temporal and predefined splits only (a leave-one-out dataset stores users, not
// sessions, and is refused).
#pragma once

#include <string>
#include <vector>

#include "data/dataset.h"

namespace kairos {

struct ExtendedDataset {
  Dataset dataset;
  uint32_t base_items = 0;       // rows of the base vocabulary, padding included
  uint32_t new_items = 0;        // appended items (dataset.num_items() = base_items + new_items)
  uint64_t new_item_events = 0;  // events of the new data on appended items
};

// `base_items[0]` must be "" (padding); `base_item_categories` is per base index ("" unknown).
ExtendedDataset extend_vocabulary(const Dataset& data, const std::vector<std::string>& base_items,
                                  const std::vector<std::string>& base_item_categories);

}  // namespace kairos
