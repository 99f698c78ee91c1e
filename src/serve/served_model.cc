#include "serve/served_model.h"

#include <algorithm>
#include <memory>
#include <numeric>
#include <unordered_set>

namespace kairos {

std::shared_ptr<const ServedModel> load_served_model(const std::string& dir, uint64_t version) {
  auto m = std::make_shared<ServedModel>();
  m->artifact = load_artifact(dir);
  m->dir = dir;
  m->version = version;
  const uint32_t n = m->num_items();
  std::vector<std::string> names(1, "");
  std::unordered_set<std::string> seen;
  for (const std::string& c : m->artifact.item_categories) {
    if (!c.empty() && seen.insert(c).second) names.push_back(c);
  }
  m->categories = Vocab(std::move(names));
  m->item_category.assign(n, 0);
  for (uint32_t i = 1; i < n; ++i)
    m->item_category[i] = m->categories.find(m->artifact.item_categories[i]);
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
  return m;
}

}  // namespace kairos
