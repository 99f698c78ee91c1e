// A loaded artifact prepared for serving: external id -> index, category ids, the popularity
// order for fallbacks, and a version number that changes with every (re)load.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "eval/interest_calibration.h"
#include "index/item_index.h"
#include "models/artifact.h"
#include "serve/interest_session_model.h"

namespace kairos {

// How recommend finds the top K. exact: one BLAS matrix-vector product over the item vectors and
// a partial sort; ann: a Faiss HNSW index (built at load); auto: ann from `ann_min_items` items
// up, exact below. Models without an inner-product form (the kNN and rule baselines) always use
// their own score() and the partial sort.
// The defaults are the fast configuration: from 20k items the exact product reads more item
// vectors per call than HNSW visits (Diginetica, 43k items: exact top-20 ~1.4 ms, HNSW with a beam
// of 40 ~0.3 ms at recall@20 0.996 against exact; docs/BENCHMARKS.md, "Serving").
struct RetrievalOptions {
  RetrievalOptions() { hnsw.ef_search = 40; }
  std::string mode = "auto";  // auto | exact | ann
  uint32_t ann_min_items = 20'000;
  HnswOptions hnsw;
};

struct ServedModel {
  Artifact artifact;
  std::string dir;
  uint64_t version = 0;
  Vocab categories;                                      // external category <-> id (0 = none)
  std::vector<uint32_t> item_category;                   // item index -> category id
  std::vector<uint32_t> by_popularity;                   // item indices, most frequent first
  std::vector<std::vector<uint32_t>> items_of_category;  // category id -> item indices
  std::unique_ptr<ItemIndex> index;  // null: score every item with the model's score()
  // The interest model (kairos serve --interest): artifact.model is then an InterestSessionModel
  // carrying both states, `interest` points at it. Null without one.
  std::string interest_dir;
  const InterestSessionModel* interest = nullptr;
  eval::InterestCalibration calibration;
  std::vector<std::string> interest_categories;  // the interest model's category ids ([0] = "")

  uint32_t num_items() const { return artifact.num_items(); }
  uint32_t find(const std::string& id) const { return artifact.items.find(id); }
};

// Loads, indexes and warms up (scores an empty and a one-item session) an artifact, with the
// interest artifact in `interest_dir` beside it ("" = none).
std::shared_ptr<const ServedModel> load_served_model(const std::string& dir, uint64_t version,
                                                     const RetrievalOptions& retrieval = {},
                                                     const std::string& interest_dir = "");

}  // namespace kairos
