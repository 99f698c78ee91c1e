#include "serve/served_model.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <numeric>
#include <unordered_set>

#include "core/error.h"

namespace kairos {

std::shared_ptr<const ServedModel> load_served_model(const std::string& dir, uint64_t version,
                                                     const RetrievalOptions& retrieval,
                                                     const std::string& interest_dir) {
  KAIROS_CHECK_USAGE(
      retrieval.mode == "auto" || retrieval.mode == "exact" || retrieval.mode == "ann",
      "retrieval must be auto, exact or ann (got '{}')", retrieval.mode);
  auto m = std::make_shared<ServedModel>();
  m->artifact = load_artifact(dir);
  m->dir = dir;
  m->version = version;
  if (!interest_dir.empty()) {
    auto interest = std::make_shared<InterestArtifact>(load_interest_artifact(interest_dir));
    m->calibration =
        eval::InterestCalibration::from_json(interest->meta.value("calibration", nlohmann::json()));
    m->interest_categories = interest->categories;
    auto wrapped = std::make_unique<InterestSessionModel>(std::move(m->artifact.model),
                                                          m->artifact.items, std::move(interest));
    m->interest = wrapped.get();
    m->artifact.model = std::move(wrapped);
    m->interest_dir = interest_dir;
  }
  const uint32_t n = m->num_items();
  std::vector<std::string> names(1, "");
  std::unordered_set<std::string> seen;
  for (const std::string& c : m->artifact.item_categories) {
    if (!c.empty() && seen.insert(c).second) names.push_back(c);
  }
  m->categories = Vocab(std::move(names));
  m->item_category.assign(n, 0);
  m->items_of_category.resize(m->categories.size());
  for (uint32_t i = 1; i < n; ++i) {
    m->item_category[i] = m->categories.find(m->artifact.item_categories[i]);
    m->items_of_category[m->item_category[i]].push_back(i);
  }
  uint32_t dim = 0;
  std::vector<float> vectors = m->artifact.model->item_vectors(dim);
  if (dim > 0) {
    const bool ann =
        retrieval.mode == "ann" || (retrieval.mode == "auto" && n >= retrieval.ann_min_items);
    const auto start = std::chrono::steady_clock::now();
    m->index = ann ? make_hnsw_index(std::move(vectors), dim, retrieval.hnsw)
                   : make_exact_index(std::move(vectors), dim);
    spdlog::info("retrieval: {} index over {} items x {} dims ({:.1f} s)", m->index->kind(), n, dim,
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  } else {
    spdlog::info("retrieval: {} scores every item (no inner-product form)",
                 m->artifact.model->name());
  }
  m->by_popularity.resize(n - 1);
  std::iota(m->by_popularity.begin(), m->by_popularity.end(), 1u);
  const auto& counts = m->artifact.item_counts;
  std::stable_sort(m->by_popularity.begin(), m->by_popularity.end(),
                   [&](uint32_t a, uint32_t b) { return counts[a] > counts[b]; });
  // Warm-up: the first calls allocate and fault in the weights.
  std::vector<float> scores(n);
  auto state = m->artifact.model->start();
  m->artifact.model->score(*state, scores);
  m->artifact.model->observe(*state, m->by_popularity.front(), 0, 0);
  m->artifact.model->score(*state, scores);
  if (m->index) m->index->search(m->artifact.model->query_vector(*state), 20);
  return m;
}

}  // namespace kairos
