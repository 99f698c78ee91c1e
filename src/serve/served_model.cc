#include "serve/served_model.h"

#include <algorithm>
#include <memory>
#include <numeric>

namespace kairos {

std::shared_ptr<const ServedModel> load_served_model(const std::string& dir, uint64_t version) {
  auto m = std::make_shared<ServedModel>();
  m->artifact = load_artifact(dir);
  m->dir = dir;
  m->version = version;
  const uint32_t n = m->num_items();
  m->category_names.push_back("");
  m->item_category.assign(n, 0);
  for (uint32_t i = 1; i < n; ++i) {
    m->item_index.emplace(m->artifact.item_names[i], i);
    const std::string& c = m->artifact.item_categories[i];
    if (c.empty()) continue;
    auto [it, fresh] =
        m->category_index.emplace(c, static_cast<uint32_t>(m->category_names.size()));
    if (fresh) m->category_names.push_back(c);
    m->item_category[i] = it->second;
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
  return m;
}

}  // namespace kairos
