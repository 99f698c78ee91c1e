// GCE-GNN's global item-transition graph (Wang et al., SIGIR 2020): two items are neighbours when
// they occur within `window` positions of each other in a training session (both directions;
// an item is not its own neighbour), weighted by how often they do; each item keeps its `k` most
// frequent neighbours (ties: the smaller id first).
#pragma once

#include <cstdint>
#include <vector>

#include "data/dataset.h"

namespace kairos {

struct ItemNeighbours {
  uint32_t k = 0;
  // [num_items x k], row-major: neighbour ids (0 = none, after the real ones) and their counts.
  std::vector<uint32_t> ids;
  std::vector<uint32_t> counts;
};

ItemNeighbours item_neighbours(const SessionSet& sessions, uint32_t num_items, uint32_t window,
                               uint32_t k);

}  // namespace kairos
