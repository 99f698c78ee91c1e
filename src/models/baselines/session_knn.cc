#include "models/baselines/session_knn.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "models/baselines/session_index.h"

namespace kairos {
namespace {

constexpr double kMsPerDay = 86400.0 * 1000.0;

struct Neighbour {
  uint32_t session;
  double similarity;
};

// Per-thread working memory, sized on first use. Epoch stamps mark the entries that are valid
// for the current call, so nothing of size catalogue or #sessions is cleared per call.
struct Scratch {
  std::vector<uint32_t> session_stamp;  // per session: candidate of this call?
  std::vector<double> overlap;          // per session: summed query weights of shared items
  std::vector<uint32_t> query_stamp;    // per item: in the query?
  std::vector<double> query_weight;     // per item: its query weight
  std::vector<uint32_t> query_pos;      // per item: last 1-based position in the query
  std::vector<uint32_t> item_stamp;     // per item: scored in this call?
  std::vector<double> item_score;       // per item: accumulated score
  std::vector<uint32_t> pos_last;       // per item: last 1-based position inside a neighbour
  uint32_t session_epoch = 0, query_epoch = 0, item_epoch = 0;
  std::vector<uint32_t> query_items, candidates, scored;
  std::vector<Neighbour> neighbours;

  void prepare(uint32_t num_sessions, uint32_t num_items) {
    if (session_stamp.size() != num_sessions) {
      session_stamp.assign(num_sessions, 0);
      overlap.assign(num_sessions, 0.0);
      session_epoch = 0;
    }
    if (item_stamp.size() != num_items) {
      query_stamp.assign(num_items, 0);
      query_weight.assign(num_items, 0.0);
      query_pos.assign(num_items, 0);
      item_stamp.assign(num_items, 0);
      item_score.assign(num_items, 0.0);
      pos_last.assign(num_items, 0);
      query_epoch = item_epoch = 0;
    }
  }
};

uint32_t next_epoch(uint32_t& epoch, std::vector<uint32_t>& stamps) {
  if (++epoch == 0) {
    std::fill(stamps.begin(), stamps.end(), 0);
    epoch = 1;
  }
  return epoch;
}

class SessionKnn final : public SessionModel {
 public:
  SessionKnn(std::string name, const KnnOptions& o) : name_(std::move(name)), o_(o) {}
  std::string name() const override { return name_; }

  void fit(const Dataset& data, const SessionSet& train) override {
    index_.build(train, data.num_items());
    size_t longest = 1;
    for (uint32_t s = 0; s < index_.num_sessions(); ++s) {
      longest = std::max(longest, index_.ordered(s).size());
    }
    inh_decay_.assign(longest + 1, 1.0);  // exp(-d / lambda_inh) for item distances d
    if (o_.lambda_inh > 0) {
      for (size_t d = 0; d <= longest; ++d) inh_decay_[d] = std::exp(-double(d) / o_.lambda_inh);
    }
  }

  void score(const SessionQuery& q, std::span<float> scores) const override {
    if (o_.backfill) {
      index_.fill().write(scores);
    } else {
      reset_scores(scores);
    }
    if (q.items.empty() || index_.num_sessions() == 0) return;
    thread_local Scratch t;
    t.prepare(index_.num_sessions(), index_.num_items());
    mark_query(q, t);
    collect_candidates(t);
    select_neighbours(q, t);
    score_neighbours(q, t);
    write_scores(t, scores);
  }

  // The neighbour sessions behind an item: each past event is credited with the similarity of
  // the neighbours that hold both the event's item and the recommended one (the support that
  // event brings), and the reason counts them.
  std::vector<EventAttribution> explain(const SessionState& state, uint32_t item, uint32_t,
                                        size_t max_events) const override {
    const SessionQuery q = state.query();
    if (q.items.empty() || index_.num_sessions() == 0) return {};
    thread_local Scratch t;
    t.prepare(index_.num_sessions(), index_.num_items());
    mark_query(q, t);
    collect_candidates(t);
    select_neighbours(q, t);
    auto holds = [&](uint32_t session, uint32_t x) {
      const auto u = index_.unique(session);
      return std::find(u.begin(), u.end(), x) != u.end();
    };
    std::vector<uint32_t> with_item;  // neighbours holding the recommended item
    for (const Neighbour& nb : t.neighbours) {
      if (holds(nb.session, item)) with_item.push_back(nb.session);
    }
    std::vector<EventAttribution> out;
    const size_t first = q.items.size() > max_events ? q.items.size() - max_events : 0;
    for (size_t p = first; p < q.items.size(); ++p) {
      double weight = 0;
      size_t count = 0;
      for (const Neighbour& nb : t.neighbours) {
        if (holds(nb.session, item) && holds(nb.session, q.items[p])) {
          weight += nb.similarity;
          ++count;
        }
      }
      out.push_back({static_cast<uint32_t>(p), q.items[p], static_cast<float>(weight),
                     fmt::format("together with it in {} of the {} neighbour sessions that hold "
                                 "the recommended item ({} neighbours in all)",
                                 count, with_item.size(), t.neighbours.size())});
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const auto& a, const auto& b) { return a.weight > b.weight; });
    return out;
  }

 private:
  bool stan_like() const {
    return o_.variant == KnnVariant::kStan || o_.variant == KnnVariant::kVstan;
  }

  // The query's distinct items with their weights and last positions.
  void mark_query(const SessionQuery& q, Scratch& t) const {
    const uint32_t epoch = next_epoch(t.query_epoch, t.query_stamp);
    t.query_items.clear();
    const double n = static_cast<double>(q.items.size());
    for (size_t p = 0; p < q.items.size(); ++p) {
      const uint32_t item = q.items[p];
      if (item == 0 || item >= index_.num_items()) continue;
      if (t.query_stamp[item] != epoch) {
        t.query_stamp[item] = epoch;
        t.query_items.push_back(item);
      }
      const double pos = static_cast<double>(p + 1);  // later occurrences overwrite (session-rec)
      t.query_pos[item] = static_cast<uint32_t>(p + 1);
      double w = 1.0;
      if (o_.variant == KnnVariant::kVsknn) {
        w = position_weight(o_.weighting, pos, n);
      } else if (stan_like() && o_.lambda_spw > 0) {
        w = std::exp((pos - n) / o_.lambda_spw);
      }
      t.query_weight[item] = w;
    }
  }

  // Sessions sharing an item with the query, with their weighted overlap; then the most recent
  // sample_size of them (largest ids).
  void collect_candidates(Scratch& t) const {
    const uint32_t epoch = next_epoch(t.session_epoch, t.session_stamp);
    t.candidates.clear();
    for (uint32_t item : t.query_items) {
      const double w = t.query_weight[item];
      for (uint32_t s : index_.sessions_of(item)) {
        if (t.session_stamp[s] != epoch) {
          t.session_stamp[s] = epoch;
          t.overlap[s] = 0.0;
          t.candidates.push_back(s);
        }
        t.overlap[s] += w;
      }
    }
    if (o_.sample_size > 0 && t.candidates.size() > o_.sample_size) {
      std::nth_element(t.candidates.begin(), t.candidates.begin() + o_.sample_size,
                       t.candidates.end(), std::greater<>());
      t.candidates.resize(o_.sample_size);
    }
  }

  double similarity(const Scratch& t, uint32_t s, double query_norm) const {
    const double overlap = t.overlap[s];
    const double a = static_cast<double>(t.query_items.size());
    const double b = static_cast<double>(index_.unique(s).size());
    switch (o_.similarity) {
      case KnnSimilarity::kVec:
        return overlap / a;
      case KnnSimilarity::kJaccard:
        return overlap / (a + b - overlap);
      case KnnSimilarity::kBinary:
        return 2.0 * overlap / (2.0 * overlap + a + b);
      case KnnSimilarity::kCosine:
        break;
    }
    return overlap / (query_norm * std::sqrt(b));
  }

  // The k most similar candidates; ties go to the more recent session.
  void select_neighbours(const SessionQuery& q, Scratch& t) const {
    double query_norm = 0;  // binary sets: sqrt(|query|); STAN: norm of the weight vector
    for (uint32_t i : t.query_items) query_norm += t.query_weight[i] * t.query_weight[i];
    query_norm = std::sqrt(query_norm);
    // No usable time (no timestamps, or 0 = unknown): no age decay. Sessions that end after
    // "now" count as age 0 rather than being boosted.
    const bool timed =
        stan_like() && o_.lambda_snh_days > 0 && !q.ts_ms.empty() && q.ts_ms.back() > 0;
    const double now = timed ? static_cast<double>(q.ts_ms.back()) : 0.0;
    const double snh_ms = o_.lambda_snh_days * kMsPerDay;
    t.neighbours.clear();
    for (uint32_t s : t.candidates) {
      double sim = similarity(t, s, query_norm);
      if (timed) {
        sim *= std::exp(-std::max(0.0, now - static_cast<double>(index_.end_ms(s))) / snh_ms);
      }
      if (sim > 0) t.neighbours.push_back({s, sim});
    }
    if (t.neighbours.size() > o_.k) {
      std::nth_element(t.neighbours.begin(), t.neighbours.begin() + o_.k, t.neighbours.end(),
                       [](const Neighbour& a, const Neighbour& b) {
                         return a.similarity > b.similarity ||
                                (a.similarity == b.similarity && a.session > b.session);
                       });
      t.neighbours.resize(o_.k);
    }
  }

  // The last query position whose item neighbour `s` contains (0 if none).
  uint32_t last_shared_position(const Scratch& t, uint32_t s) const {
    const uint32_t epoch = t.query_epoch;
    uint32_t pos = 0;
    for (uint32_t item : index_.unique(s)) {
      if (t.query_stamp[item] == epoch) pos = std::max(pos, t.query_pos[item]);
    }
    return pos;
  }

  // Position of each item inside neighbour `s` (last occurrence) into t.pos_last; returns the
  // last position of any query item (STAN's pos*).
  uint32_t neighbour_positions(Scratch& t, uint32_t s) const {
    uint32_t pos_star = 0, p = 0;
    for (uint32_t item : index_.ordered(s)) {
      ++p;
      t.pos_last[item] = p;
      if (t.query_stamp[item] == t.query_epoch) pos_star = p;
    }
    return pos_star;
  }

  void score_neighbours(const SessionQuery& q, Scratch& t) const {
    const uint32_t epoch = next_epoch(t.item_epoch, t.item_stamp);
    t.scored.clear();
    const double n = static_cast<double>(q.items.size());
    const bool vsknn = o_.variant == KnnVariant::kVsknn;
    const bool ipw = o_.variant == KnnVariant::kVstan && o_.lambda_ipw > 0;
    const bool inh = stan_like() && o_.lambda_inh > 0;
    for (const Neighbour& nb : t.neighbours) {
      double w = nb.similarity;
      if (vsknn || ipw) {
        const uint32_t pos = last_shared_position(t, nb.session);
        if (pos > 0 && vsknn) w *= step_decay(o_.weighting_score, n - pos + 1);
        if (pos > 0 && ipw) w *= std::exp((pos - n) / o_.lambda_ipw);
      }
      const uint32_t pos_star = inh ? neighbour_positions(t, nb.session) : 0;
      for (uint32_t item : index_.unique(nb.session)) {
        double v = w;
        if (inh) {
          const uint32_t p = t.pos_last[item];
          v *= inh_decay_[p > pos_star ? p - pos_star : pos_star - p];
        }
        if (o_.idf_weight > 0) v += v * index_.idf(item) * o_.idf_weight;
        if (t.item_stamp[item] != epoch) {
          t.item_stamp[item] = epoch;
          t.item_score[item] = 0.0;
          t.scored.push_back(item);
        }
        t.item_score[item] += v;
      }
    }
  }

  void write_scores(const Scratch& t, std::span<float> scores) const {
    float lowest = 0.0f;
    for (uint32_t item : t.scored) {
      if (item >= scores.size()) continue;
      scores[item] = static_cast<float>(t.item_score[item]);
      lowest = std::min(lowest, scores[item]);
    }
    if (o_.backfill) index_.fill().lower_below(scores, lowest, t.item_stamp, t.item_epoch);
  }

  std::string name_;
  KnnOptions o_;
  SessionIndex index_;
  std::vector<double> inh_decay_;
};

}  // namespace

std::unique_ptr<SessionModel> make_session_knn(std::string name, const KnnOptions& options) {
  return std::make_unique<SessionKnn>(std::move(name), options);
}

}  // namespace kairos
