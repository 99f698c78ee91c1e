// The session-kNN family, as in session-rec (docs/models.md has the formulas):
//   sknn   ContextKNN (Jannach & Ludewig 2017): binary cosine between item sets
//   vsknn  VMContextKNN (Ludewig & Jannach 2018): position-weighted overlap, decay by the position
//          of the most recent shared item, idf weighting
//   stan   STAN (Garg et al. 2019): position-weighted cosine, time decay of neighbours, item
//          distance decay inside the neighbour
//   vstan  V-STAN (Ludewig et al. 2021): STAN plus item-position and idf weighting
// Neighbours come from the most recent `sample_size` training sessions sharing an item with the
// query; the `k` most similar are kept. Items nobody scores get a popularity back-fill below every
// candidate (off with backfill=false).
#include <algorithm>
#include <cmath>
#include <string>

#include "models/baselines/baselines.h"
#include "models/baselines/popularity.h"
#include "models/baselines/session_index.h"
#include "models/hparams.h"

namespace kairos {
namespace {

enum class Variant { kSknn, kVsknn, kStan, kVstan };

struct KnnOptions {
  Variant variant = Variant::kSknn;
  uint32_t k = 100;
  uint32_t sample_size = 500;
  std::string similarity = "cosine";    // vstan: cosine | vec
  std::string weighting = "div";        // vsknn: position weight in the query
  std::string weighting_score = "div";  // vsknn: decay by the most recent shared item
  double idf_weighting = 0;             // vsknn (0 = off)
  double lambda_spw = 0, lambda_snh_days = 0, lambda_inh = 0;  // stan/vstan (0 = off)
  double lambda_ipw = 0, lambda_idf = 0;                       // vstan (0 = off)
  bool backfill = true;
};

// V-SKNN's query position weights (i = 1-based position, n = length), as session-rec defines them.
double position_weight(const std::string& w, double i, double n) {
  if (w == "linear") return i <= 10 ? 1.0 - 0.1 * (n - i) : 0.0;
  if (w == "same") return 1.0;
  if (w == "div") return i / n;
  if (w == "log") return 1.0 / std::log10((n - i) + 1.7);
  return (i / n) * (i / n);  // quadratic
}

// V-SKNN's decay by the step (1 = last event) of the most recent query item in the neighbour.
double step_weight(const std::string& w, double i) {
  if (w == "linear") return i <= 100 ? 1.0 - 0.1 * i : 0.0;
  if (w == "same") return 1.0;
  if (w == "div") return 1.0 / i;
  if (w == "log") return 1.0 / std::log10(i + 1.7);
  return 1.0 / (i * i);  // quadratic
}

struct Neighbour {
  uint32_t session;
  double similarity;
};

struct Scratch {
  SessionIndex::Scratch index;
  std::vector<double> weight;      // per item: the query's weight of that item (valid if marked)
  std::vector<uint32_t> pos_last;  // per item: last 1-based position inside a neighbour
  std::vector<uint32_t> unique_query;
  std::vector<Neighbour> neighbours;
  std::vector<uint8_t> touched;
};

class SessionKnn final : public SessionModel {
 public:
  SessionKnn(std::string name, KnnOptions o) : name_(std::move(name)), o_(std::move(o)) {}
  std::string name() const override { return name_; }

  void fit(const Dataset& data, const SessionSet& train) override {
    num_items_ = data.num_items();
    index_.build(train, num_items_);
  }

  void score(const SessionQuery& q, std::span<float> scores) const override {
    reset_scores(scores);
    thread_local Scratch t;
    t.index.prepare(index_.num_sessions(), num_items_);
    if (t.weight.size() != num_items_) {
      t.weight.assign(num_items_, 0.0);
      t.pos_last.assign(num_items_, 0);
    }
    t.touched.assign(scores.size(), 0);
    if (!q.items.empty()) {
      query_weights(q, t);
      index_.candidates(t.unique_query, o_.sample_size, t.index);
      find_neighbours(q, t);
      score_neighbours(q, t, scores);
    }
    if (o_.backfill) popularity_backfill(scores, t.touched, index_.popularity());
  }

 private:
  bool stan_like() const { return o_.variant == Variant::kStan || o_.variant == Variant::kVstan; }

  // Marks the query's items (item_mark == epoch) with their weight; fills unique_query.
  void query_weights(const SessionQuery& q, Scratch& t) const {
    const uint32_t epoch = t.index.next_item_epoch();
    t.unique_query.clear();
    const double n = static_cast<double>(q.items.size());
    for (size_t p = 0; p < q.items.size(); ++p) {
      const uint32_t item = q.items[p];
      if (item >= num_items_) continue;
      if (t.index.item_mark[item] != epoch) {
        t.index.item_mark[item] = epoch;
        t.unique_query.push_back(item);
      }
      const double pos = static_cast<double>(p + 1);  // later occurrences overwrite
      switch (o_.variant) {
        case Variant::kSknn:
          t.weight[item] = 1.0;
          break;
        case Variant::kVsknn:
          t.weight[item] = position_weight(o_.weighting, pos, n);
          break;
        case Variant::kStan:
        case Variant::kVstan:
          t.weight[item] = o_.lambda_spw > 0 ? std::exp((pos - n) / o_.lambda_spw) : 1.0;
          break;
      }
    }
  }

  void find_neighbours(const SessionQuery& q, Scratch& t) const {
    const uint32_t epoch = t.index.item_epoch;
    const double query_size = static_cast<double>(t.unique_query.size());
    double query_norm = 0;
    for (uint32_t i : t.unique_query) query_norm += t.weight[i] * t.weight[i];
    query_norm = std::sqrt(query_norm);
    const bool timed = !q.ts_ms.empty() && o_.lambda_snh_days > 0 && stan_like();
    const double now = timed ? static_cast<double>(q.ts_ms.back()) : 0;
    const double snh_ms = o_.lambda_snh_days * 86400.0 * 1000.0;
    t.neighbours.clear();
    for (uint32_t s : t.index.candidates) {
      const auto items = index_.unique(s);
      double overlap = 0;
      for (uint32_t i : items) {
        if (t.index.item_mark[i] == epoch) overlap += t.weight[i];
      }
      double sim;
      const double n = static_cast<double>(items.size());
      switch (o_.variant) {
        case Variant::kSknn:
          sim = overlap / std::sqrt(query_size * n);
          break;
        case Variant::kVsknn:
          sim = overlap / query_size;
          break;
        default:
          sim =
              o_.similarity == "vec" ? overlap / query_size : overlap / (query_norm * std::sqrt(n));
      }
      if (timed) sim *= std::exp(-(now - static_cast<double>(index_.end_ms(s))) / snh_ms);
      if (sim > 0) t.neighbours.push_back({s, sim});
    }
    // The k most similar; ties go to the more recent session (deterministic).
    auto better = [](const Neighbour& a, const Neighbour& b) {
      return a.similarity > b.similarity || (a.similarity == b.similarity && a.session > b.session);
    };
    if (t.neighbours.size() > o_.k) {
      std::nth_element(t.neighbours.begin(), t.neighbours.begin() + o_.k, t.neighbours.end(),
                       better);
      t.neighbours.resize(o_.k);
    }
  }

  void score_neighbours(const SessionQuery& q, Scratch& t, std::span<float> scores) const {
    const uint32_t query_epoch = t.index.item_epoch;
    for (const Neighbour& nb : t.neighbours) {
      double w = nb.similarity;
      const auto items = index_.unique(nb.session);
      if (o_.variant == Variant::kVsknn || (o_.variant == Variant::kVstan && o_.lambda_ipw > 0)) {
        // Position in the query (from the end) of its most recent item the neighbour contains.
        size_t step = 0;
        for (size_t p = q.items.size(); p-- > 0;) {
          if (std::binary_search(items.begin(), items.end(), q.items[p])) {
            step = q.items.size() - p;
            break;
          }
        }
        if (o_.variant == Variant::kVsknn) {
          w *= step > 0 ? step_weight(o_.weighting_score, static_cast<double>(step)) : 1.0;
        } else if (step > 0) {
          const double n = static_cast<double>(q.items.size());
          const double pos = n - static_cast<double>(step) + 1.0;
          w *= std::exp((pos - n) / o_.lambda_ipw);
        }
      }
      uint32_t pos_star = 0;
      if (stan_like() && o_.lambda_inh > 0) {
        const auto ordered = index_.ordered(nb.session);
        for (uint32_t p = 0; p < ordered.size(); ++p) {
          const uint32_t item = ordered[p];
          if (t.index.item_mark[item] == query_epoch) pos_star = p + 1;
          t.pos_last[item] = p + 1;
        }
      }
      for (uint32_t item : items) {
        double v = w;
        if (pos_star > 0) {
          const double d = std::abs(static_cast<double>(t.pos_last[item]) - pos_star);
          v *= std::exp(-d / o_.lambda_inh);
        }
        const double idf_w = o_.variant == Variant::kVsknn   ? o_.idf_weighting
                             : o_.variant == Variant::kVstan ? o_.lambda_idf
                                                             : 0.0;
        if (idf_w > 0) v += v * index_.idf(item) * idf_w;
        scores[item] += static_cast<float>(v);
        t.touched[item] = 1;
      }
    }
  }

  std::string name_;
  KnnOptions o_;
  uint32_t num_items_ = 0;
  SessionIndex index_;
};

KnnOptions common(Hparams& h, Variant v, uint32_t k, uint32_t sample) {
  KnnOptions o;
  o.variant = v;
  o.k = h.get<uint32_t>("k", k);
  o.sample_size = h.get<uint32_t>("sample_size", sample);
  o.backfill = h.get<bool>("backfill", true);
  const auto sampling = h.get<std::string>("sampling", "recent");
  KAIROS_CHECK_USAGE(sampling == "recent", "only sampling=recent is implemented");
  KAIROS_CHECK_USAGE(o.k >= 1, "k must be at least 1");
  return o;
}

void check_weighting(const std::string& w, const char* key) {
  KAIROS_CHECK_USAGE(w == "linear" || w == "same" || w == "div" || w == "log" || w == "quadratic",
                     "vsknn: {} must be linear, same, div, log or quadratic, not '{}'", key, w);
}

}  // namespace

std::unique_ptr<SessionModel> make_sknn(const nlohmann::json& hparams) {
  Hparams h(hparams, "sknn");
  KnnOptions o = common(h, Variant::kSknn, 100, 500);
  const auto similarity = h.get<std::string>("similarity", "cosine");
  KAIROS_CHECK_USAGE(similarity == "cosine", "sknn: only similarity=cosine is implemented");
  h.finish();
  return std::make_unique<SessionKnn>("sknn", o);
}

std::unique_ptr<SessionModel> make_vsknn(const nlohmann::json& hparams) {
  Hparams h(hparams, "vsknn");
  KnnOptions o = common(h, Variant::kVsknn, 100, 1000);
  o.weighting = h.get<std::string>("weighting", "div");
  o.weighting_score = h.get<std::string>("weighting_score", "div");
  o.idf_weighting = h.get<double>("idf_weighting", 0.0);
  h.finish();
  check_weighting(o.weighting, "weighting");
  check_weighting(o.weighting_score, "weighting_score");
  return std::make_unique<SessionKnn>("vsknn", o);
}

std::unique_ptr<SessionModel> make_stan(const nlohmann::json& hparams) {
  Hparams h(hparams, "stan");
  KnnOptions o = common(h, Variant::kStan, 100, 5000);
  o.lambda_spw = h.get<double>("lambda_spw", 1.02);
  o.lambda_snh_days = h.get<double>("lambda_snh", 5.0);
  o.lambda_inh = h.get<double>("lambda_inh", 2.05);
  h.finish();
  return std::make_unique<SessionKnn>("stan", o);
}

std::unique_ptr<SessionModel> make_vstan(const nlohmann::json& hparams) {
  Hparams h(hparams, "vstan");
  KnnOptions o = common(h, Variant::kVstan, 100, 5000);
  o.similarity = h.get<std::string>("similarity", "cosine");
  o.lambda_spw = h.get<double>("lambda_spw", 1.02);
  o.lambda_snh_days = h.get<double>("lambda_snh", 5.0);
  o.lambda_inh = h.get<double>("lambda_inh", 2.05);
  o.lambda_ipw = h.get<double>("lambda_ipw", 1.02);
  o.lambda_idf = h.get<double>("lambda_idf", 5.0);
  h.finish();
  KAIROS_CHECK_USAGE(o.similarity == "cosine" || o.similarity == "vec",
                     "vstan: similarity must be cosine or vec");
  return std::make_unique<SessionKnn>("vstan", o);
}

}  // namespace kairos
