#include "serve/session_audience.h"

#include <algorithm>
#include <queue>

namespace kairos {

double category_prior(const ServedModel& m, uint32_t category) {
  const auto& counts = m.artifact.item_counts;
  double in = 0, all = 0;
  for (size_t i = 1; i < counts.size(); ++i) {
    all += static_cast<double>(counts[i]);
    if (i < m.item_category.size() && m.item_category[i] == category)
      in += static_cast<double>(counts[i]);
  }
  const double classes = std::max<double>(1.0, static_cast<double>(m.categories.size()));
  return (in + 1.0) / (all + classes);
}

double session_category_interest(std::span<const uint32_t> items,
                                 std::span<const uint32_t> item_category, uint32_t category,
                                 double prior, const SessionAudienceOptions& o) {
  double in = 0, all = 0, weight = 1;
  const size_t first = items.size() > o.window ? items.size() - o.window : 0;
  for (size_t i = items.size(); i-- > first; weight *= o.decay) {
    all += weight;
    if (items[i] < item_category.size() && item_category[items[i]] == category) in += weight;
  }
  return (in + o.gamma * prior) / (all + o.gamma);
}

SessionAudience rank_live_sessions(const ServedModel& m, LiveSessions& sessions, uint32_t category,
                                   const SessionAudienceOptions& o, const Deadline& deadline) {
  const double prior = category_prior(m, category);
  const auto better = [](const SessionCandidate& a, const SessionCandidate& b) {
    return a.score != b.score ? a.score > b.score : a.key < b.key;
  };
  // A min-heap of the best k so far (its top is the weakest kept).
  std::priority_queue<SessionCandidate, std::vector<SessionCandidate>, decltype(better)> best(
      better);
  SessionAudience out;
  bool late = false;
  sessions.for_each_session(
      m, o.window,
      [&](const std::string& key, std::span<const uint32_t> items, std::span<const uint8_t>) {
        if (++out.scanned % 1024 == 0 && deadline.passed()) {
          late = true;
          return false;
        }
        size_t in = 0;
        for (uint32_t item : items) in += m.item_category[item] == category ? 1 : 0;
        if (in == 0) return true;
        ++out.matched;
        SessionCandidate c{key,
                           session_category_interest(items, m.item_category, category, prior, o),
                           items.size(), in};
        if (best.size() < o.k) {
          best.push(std::move(c));
        } else if (better(c, best.top())) {
          best.pop();
          best.push(std::move(c));
        }
        return true;
      });
  if (late) deadline.check();
  out.top.resize(best.size());
  for (size_t i = best.size(); i-- > 0; best.pop()) out.top[i] = best.top();
  return out;
}

}  // namespace kairos
