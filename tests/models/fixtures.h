// Tiny hand-made datasets and helpers shared by the model tests.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/dataset.h"
#include "models/factory.h"

namespace kairos::testing {

constexpr int64_t kDayMs = 86400LL * 1000;

struct Session {
  std::vector<uint32_t> items;
  int64_t start_ms = -1;  // -1: one second after the previous session's last event
};

// Training sessions over items 1..num_items-1 (events one second apart), then one test
// session {1, 2}.
inline Dataset make_dataset(const std::vector<Session>& train, uint32_t num_items) {
  DatasetParts p;
  p.item_names.push_back("");
  for (uint32_t i = 1; i < num_items; ++i) p.item_names.push_back(std::to_string(i));
  p.category_names = {""};
  p.item_category.assign(num_items, 0);
  int64_t t = 0;
  auto add = [&](const Session& s) {
    if (s.start_ms >= 0) t = s.start_ms - 1000;
    for (uint32_t i : s.items) {
      p.items.push_back(i);
      p.types.push_back(0);
      p.ts.push_back(t += 1000);
    }
    p.offsets.push_back(p.items.size());
    p.users.push_back(0);
  };
  for (const auto& s : train) add(s);
  add({{1, 2}});
  p.num_train = train.size();
  p.num_test = 1;
  return Dataset::from_parts(std::move(p));
}

inline Dataset make_dataset(const std::vector<std::vector<uint32_t>>& train, uint32_t num_items) {
  std::vector<Session> sessions;
  for (const auto& s : train) sessions.push_back({s});
  return make_dataset(sessions, num_items);
}

inline std::unique_ptr<SessionModel> fitted(const std::string& name, const Dataset& d,
                                            const nlohmann::json& hp = nlohmann::json::object()) {
  auto m = make_model(name, hp);
  m->fit(d, d.train_full());
  return m;
}

// Scores for a query; `ts_ms` may be empty (no times).
inline std::vector<float> scores_of(const SessionModel& m, const Dataset& d,
                                    const std::vector<uint32_t>& items,
                                    const std::vector<int64_t>& ts_ms = {}) {
  std::vector<float> s(d.num_items());
  m.score(SessionQuery{items, {}, ts_ms, 0}, s);
  return s;
}

}  // namespace kairos::testing
