#include "serve/engine.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "core/event_type.h"

namespace kairos {

std::unique_ptr<SessionState> stateless_state(const ServedModel& m,
                                              const std::vector<std::string>& ids,
                                              const std::vector<uint8_t>& types,
                                              std::vector<std::string>* unknown,
                                              const Deadline& deadline) {
  const SessionModel& model = *m.artifact.model;
  std::unique_ptr<SessionState> state = model.start();
  int64_t t = 0;
  for (size_t i = 0; i < ids.size(); ++i) {
    const uint32_t item = m.find(ids[i]);
    if (item == 0) {
      if (unknown != nullptr) unknown->push_back(ids[i]);
      continue;
    }
    deadline.check();
    model.observe(*state, item, types.empty() ? 0 : types[i], t += 1000);
  }
  return state;
}

std::vector<ScoredItem> retrieve(const ServedModel& m, const SessionState& state, size_t k,
                                 const RetrievalFilter& filter) {
  const SessionModel& model = *m.artifact.model;
  if (m.index) return m.index->search(model.query_vector(state), k, filter);
  thread_local std::vector<float> scores;
  scores.resize(m.num_items());
  model.score(state, scores);
  if (!filter.allowed.empty()) {
    const float ninf = -std::numeric_limits<float>::infinity();
    for (uint32_t i = 1; i < m.num_items(); ++i) {
      if (filter.allowed[i] == 0) scores[i] = ninf;
    }
  }
  return top_k(scores, k, filter.exclude);
}

ItemAnswer recommend_items(const ServedModel& m, const SessionState& state, const ItemRequest& r,
                           const Deadline& deadline) {
  ItemAnswer a;
  a.fallback = state.items.empty();
  a.explained = r.explain && !a.fallback;
  const bool filtered = !r.categories.empty();
  std::vector<uint8_t> allowed;  // item -> passes the category filter (filtered calls only)
  if (filtered) {
    allowed.assign(m.num_items(), 0);
    for (const auto& c : r.categories) {
      if (const uint32_t id = m.categories.find(c); id != 0) {
        for (uint32_t item : m.items_of_category[id]) allowed[item] = 1;
      }
    }
  }
  std::vector<ScoredItem> top;
  if (a.fallback) {
    for (uint32_t item : m.by_popularity) {
      if (top.size() >= r.k) break;
      if (filtered && allowed[item] == 0) continue;
      top.push_back({item, static_cast<float>(m.artifact.item_counts[item])});
    }
  } else {
    const RetrievalFilter filter{allowed, r.exclude_seen ? std::span<const uint32_t>(state.items)
                                                         : std::span<const uint32_t>()};
    top = retrieve(m, state, r.k, filter);
  }
  std::map<uint32_t, double> mass;
  const float best = top.empty() ? 0.0f : top.front().score;
  for (const auto& s : top) {
    RecommendedItem it{s.item, s.score, {}};
    if (a.explained) {
      deadline.check();
      it.explanation = m.artifact.model->explain(state, s.item, m.num_items(), 10);
    }
    a.items.push_back(std::move(it));
    if (m.item_category[s.item] != 0) {
      mass[m.item_category[s.item]] +=
          a.fallback ? 1.0 : std::exp(static_cast<double>(s.score - best));
    }
  }
  double total = 0;
  for (const auto& [c, w] : mass) total += w;
  a.item_categories.assign(mass.begin(), mass.end());
  std::sort(a.item_categories.begin(), a.item_categories.end(),
            [](const auto& x, const auto& y) { return x.second > y.second; });
  if (a.item_categories.size() > 5) a.item_categories.resize(5);
  for (auto& [c, w] : a.item_categories) w /= total;
  return a;
}

InterestProfile predict_profile(const ServedModel& m, const SessionState& state,
                                const ProfileRequest& r, const Deadline& deadline) {
  InterestProfile p;
  p.next = recommend_items(m, state, r.items, deadline);
  p.events = state.items.size();
  if (state.items.empty()) return p;
  p.latent = m.artifact.model->interest_vector(state);
  if (m.interest == nullptr) return p;
  InterestOutput out = m.interest->interest_of(state);
  if (!out.category.empty()) {
    m.calibration.apply_category(out.category);
    for (uint32_t c = 1; c < out.category.size(); ++c)
      p.categories.emplace_back(c, out.category[c]);
    const size_t n = std::min(r.top_categories, p.categories.size());
    std::partial_sort(p.categories.begin(), p.categories.begin() + static_cast<ptrdiff_t>(n),
                      p.categories.end(), [](const auto& x, const auto& y) {
                        return x.second > y.second || (x.second == y.second && x.first < y.first);
                      });
    p.categories.resize(n);
  }
  if (!out.next_action.empty()) {
    m.calibration.apply_action(out.next_action);
    p.next_action.assign(out.next_action.begin(), out.next_action.end());
  }
  if (out.intent >= 0) p.purchase = m.calibration.apply_intent(out.intent);
  return p;
}

nlohmann::json items_to_json(const ServedModel& m, const ItemAnswer& a) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& it : a.items) {
    nlohmann::json j = {{"item_id", m.artifact.items.name(it.item)},
                        {"score", it.score},
                        {"category", m.artifact.item_categories[it.item]}};
    if (a.explained) {
      nlohmann::json why = nlohmann::json::array();
      for (const auto& e : it.explanation) {
        why.push_back({{"position", e.position},
                       {"item_id", m.artifact.items.name(e.item)},
                       {"weight", e.weight},
                       {"reason", e.reason}});
      }
      j["explanation"] = std::move(why);
    }
    items.push_back(std::move(j));
  }
  return items;
}

nlohmann::json item_categories_to_json(const ServedModel& m, const ItemAnswer& a) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [c, share] : a.item_categories)
    out.push_back({{"category", m.categories.name(c)}, {"score", share}});
  return out;
}

nlohmann::json profile_to_json(const ServedModel& m, const InterestProfile& p) {
  nlohmann::json j = {
      {"items", items_to_json(m, p.next)}, {"fallback", p.next.fallback}, {"events", p.events}};
  nlohmann::json heads = nlohmann::json::array();
  if (m.interest != nullptr) {
    for (Task t : m.interest->interest().tasks()) heads.push_back(std::string(task_name(t)));
  }
  j["heads"] = heads;
  if (!p.categories.empty() || (m.interest && m.interest->interest().has(Task::kCategory))) {
    nlohmann::json cats = nlohmann::json::array();
    for (const auto& [c, prob] : p.categories)
      cats.push_back({{"category", m.interest_categories[c]}, {"probability", prob}});
    j["categories"] = std::move(cats);
  }
  if (!p.next_action.empty()) {
    nlohmann::json a = nlohmann::json::object();
    for (size_t t = 0; t < p.next_action.size(); ++t)
      a[std::string(kEventTypeNames[t])] = p.next_action[t];
    j["next_action"] = std::move(a);
  }
  if (p.purchase >= 0) {
    const InterestModel& im = m.interest->interest();
    j["purchase"] = {{"probability", p.purchase},
                     {"target", im.intent_target() == IntentTarget::kConverts
                                    ? std::string("converts")
                                    : "within-" + std::to_string(im.intent_within())}};
  }
  if (!p.latent.empty()) j["latent"] = p.latent;
  return j;
}

}  // namespace kairos
