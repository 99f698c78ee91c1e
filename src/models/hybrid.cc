#include "models/hybrid.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <mutex>
#include <optional>

#include "core/error.h"
#include "core/parallel.h"
#include "features/prefix_examples.h"
#include "models/artifact.h"
#include "models/config_reader.h"
#include "models/factory.h"

namespace kairos {
namespace {

namespace fs = std::filesystem;

constexpr const char* kNeighboursFile = "neighbours.kds";
constexpr size_t kTuneCutoff = 20;  // the weight is tuned for MRR@20

struct HybridConfig {
  std::string deep = "gru4rec";                           // the deep part's model name
  nlohmann::json deep_config = nlohmann::json::object();  // its hyperparameters
  std::string deep_artifact;                              // or: a trained artifact to load
  std::string knn = "vstan";                              // the neighbourhood part
  nlohmann::json knn_config = nlohmann::json::object();   // its hyperparameters
  double weight = -1;          // the deep part's share; < 0: tuned on validation
  double grid_step = 0.05;     // tuning: weights 0, step, 2 step, ..., 1
  uint64_t tune_cases = 5000;  // tuning: validation cases, evenly spaced (0 = all)

  static HybridConfig from_json(const nlohmann::json& j) {
    ConfigReader r(j, "hybrid");
    HybridConfig c;
    c.deep = r.get<std::string>("deep", c.deep);
    c.deep_config = r.take("deep_config", c.deep_config);
    c.deep_artifact = r.get<std::string>("deep_artifact", "");
    c.knn = r.get<std::string>("knn", c.knn);
    c.knn_config = r.take("knn_config", c.knn_config);
    c.weight = r.get<double>("weight", c.weight);
    c.grid_step = r.get<double>("grid_step", c.grid_step);
    c.tune_cases = r.get<uint64_t>("tune_cases", c.tune_cases);
    r.finish();
    KAIROS_CHECK_USAGE(c.weight <= 1, "hybrid: weight must be <= 1 (< 0: tuned on validation)");
    KAIROS_CHECK_USAGE(c.grid_step > 0 && c.grid_step <= 1, "hybrid: grid_step must be in (0, 1]");
    KAIROS_CHECK_USAGE(c.deep_config.is_object() && c.knn_config.is_object(),
                       "hybrid: deep_config and knn_config must be objects");
    return c;
  }
};

bool is_trained(const std::string& name) {
  for (const ModelInfo& m : model_infos()) {
    if (m.name == name) return m.trained;
  }
  return false;  // unknown names fail in make_model with the list of known ones
}

// An owned copy of `sessions` as a dataset of one train part (what the kNN part is fitted on,
// saved beside the deep weights).
Dataset copy_sessions(const Dataset& data, const SessionSet& sessions) {
  DatasetParts p;
  p.split = SplitKind::kTemporal;
  for (uint32_t i = 0; i < data.num_items(); ++i) {
    p.item_names.emplace_back(i == 0 ? "" : std::string(data.items().name(i)));
  }
  for (uint32_t c = 0; c < data.num_categories(); ++c) {
    p.category_names.emplace_back(c == 0 ? "" : std::string(data.categories().name(c)));
  }
  p.item_category.assign(data.item_category().begin(), data.item_category().end());
  for (size_t s = 0; s < sessions.size(); ++s) {
    const SessionView v = sessions[s];
    p.items.insert(p.items.end(), v.items.begin(), v.items.end());
    p.types.insert(p.types.end(), v.types.begin(), v.types.end());
    p.ts.insert(p.ts.end(), v.ts_ms.begin(), v.ts_ms.end());
    p.users.push_back(v.user);
    p.offsets.push_back(p.items.size());
  }
  p.num_train = sessions.size();
  p.num_users = data.num_users();
  return Dataset::from_parts(std::move(p));
}

struct HybridState : SessionState {
  std::unique_ptr<SessionState> deep;
  size_t bytes() const override { return SessionState::bytes() + sizeof(deep) + deep->bytes(); }
};

class Hybrid final : public SessionModel {
 public:
  explicit Hybrid(HybridConfig c) : cfg_(std::move(c)) {
    KAIROS_CHECK_USAGE(!is_trained(cfg_.knn),
                       "hybrid: knn must be a neighbourhood or rule baseline, not '{}'", cfg_.knn);
    KAIROS_CHECK_USAGE(is_trained(cfg_.deep) || !cfg_.deep_artifact.empty(),
                       "hybrid: deep must be a deep model, not '{}'", cfg_.deep);
    knn_ = make_model(cfg_.knn, cfg_.knn_config);
    if (cfg_.deep_artifact.empty()) deep_ = make_model(cfg_.deep, cfg_.deep_config);
    weight_ = cfg_.weight;
  }

  std::string name() const override { return "hybrid"; }
  void set_run_options(const RunOptions& run) override {
    run_ = run;
    if (deep_) deep_->set_run_options(run);
  }

  void fit(const Dataset& data, const SessionSet& train) override {
    if (!cfg_.deep_artifact.empty()) {
      Artifact a = load_artifact(cfg_.deep_artifact);
      check_artifact_matches(a, data, cfg_.deep_artifact);
      cfg_.deep = a.meta["model"].get<std::string>();
      if (cfg_.deep == "gru4rec-lstm") cfg_.deep = "gru4rec";  // as load_artifact reads it
      cfg_.deep_config = a.model->hparams();
      deep_ = std::move(a.model);
      deep_report_ = a.meta.value("training", nlohmann::json());
      spdlog::info("hybrid: deep part {} loaded from {}", cfg_.deep, cfg_.deep_artifact);
    } else {
      deep_->fit(data, train);
      deep_report_ = deep_->training_report();
    }
    tuning_ = nlohmann::json();
    if (cfg_.weight < 0) {
      KAIROS_CHECK_USAGE(!data.valid().empty(),
                         "hybrid: tuning the weight needs a validation part (or set weight)");
      knn_->fit(data, data.train());
      tune(data);
    }
    neighbours_ = copy_sessions(data, train);
    knn_->fit(*neighbours_, neighbours_->train());
  }

  // ---- scoring ----
  void score(const SessionQuery& q, std::span<float> scores) const override {
    thread_local std::vector<float> knn;
    knn.resize(scores.size());
    deep_->score(q, scores);
    knn_->score(q, knn);
    blend(scores, knn, weight_);
  }
  std::unique_ptr<SessionState> start() const override {
    auto s = std::make_unique<HybridState>();
    s->deep = deep_->start();
    return s;
  }
  void observe(SessionState& state, uint32_t item, uint8_t type, int64_t ts_ms) const override {
    SessionModel::observe(state, item, type, ts_ms);
    deep_->observe(*static_cast<HybridState&>(state).deep, item, type, ts_ms);
  }
  void score(const SessionState& state, std::span<float> scores) const override {
    const SessionState* one = &state;
    score_batch(std::span<const SessionState* const>(&one, 1), scores);
  }
  bool incremental() const override { return deep_->incremental(); }
  void score_batch(std::span<const SessionState* const> states,
                   std::span<float> scores) const override {
    std::vector<const SessionState*> deep_states;
    for (const SessionState* s : states) {
      deep_states.push_back(static_cast<const HybridState*>(s)->deep.get());
    }
    deep_->score_batch(deep_states, scores);
    const size_t n = scores.size() / std::max<size_t>(1, states.size());
    thread_local std::vector<float> knn;
    knn.resize(n);
    for (size_t r = 0; r < states.size(); ++r) {
      knn_->score(states[r]->query(), knn);
      blend(scores.subspan(r * n, n), knn, weight_);
    }
  }
  std::unique_ptr<SessionState> clone_state(const SessionState& state) const override {
    const auto& s = static_cast<const HybridState&>(state);
    auto c = std::make_unique<HybridState>();
    c->items = s.items;
    c->types = s.types;
    c->ts_ms = s.ts_ms;
    c->deep = deep_->clone_state(*s.deep);
    return c;
  }
  // The deep part's account (attention, or leave-one-out for GRU4Rec).
  std::vector<EventAttribution> explain(const SessionState& state, uint32_t item,
                                        uint32_t num_items, size_t max_events) const override {
    return deep_->explain(*static_cast<const HybridState&>(state).deep, item, num_items,
                          max_events);
  }

  // ---- artifacts ----
  nlohmann::json hparams() const override {
    return {{"deep", cfg_.deep},
            {"deep_config", deep_ ? deep_->hparams() : cfg_.deep_config},
            {"knn", cfg_.knn},
            {"knn_config", cfg_.knn_config},
            {"weight", weight_},
            {"grid_step", cfg_.grid_step},
            {"tune_cases", cfg_.tune_cases}};
  }
  nlohmann::json training_report() const override {
    return {{"deep", deep_report_}, {"weight", weight_}, {"tuning", tuning_}};
  }
  void save_weights(const std::string& path) const override {
    KAIROS_CHECK_USAGE(neighbours_.has_value(), "hybrid: save_weights() before fit()");
    deep_->save_weights(path);
    neighbours_->save((fs::path(path).parent_path() / kNeighboursFile).string());
  }
  void load_weights(const std::string& path, uint32_t num_items) override {
    KAIROS_CHECK_USAGE(weight_ >= 0, "hybrid: the saved hyperparameters have no tuned weight");
    deep_->load_weights(path, num_items);
    const fs::path nb = fs::path(path).parent_path() / kNeighboursFile;
    KAIROS_CHECK_IO(fs::is_regular_file(nb),
                    "{} is missing (a hybrid artifact keeps the kNN "
                    "part's sessions there)",
                    nb.string());
    neighbours_ = Dataset::load(nb.string());
    KAIROS_CHECK(neighbours_->num_items() == num_items, "{}: {} items, the artifact {}",
                 nb.string(), neighbours_->num_items(), num_items);
    knn_->fit(*neighbours_, neighbours_->train());
  }

 private:
  // p = w softmax(deep) + (1 - w) knn / sum(knn), in place of `deep`; index 0 stays -inf.
  static void blend(std::span<float> deep, std::span<const float> knn, double w) {
    const size_t n = deep.size();
    float top = -std::numeric_limits<float>::infinity();
    double knn_sum = 0;
    for (size_t i = 1; i < n; ++i) {
      top = std::max(top, deep[i]);
      knn_sum += std::max(0.0f, knn[i]);
    }
    double z = 0;
    for (size_t i = 1; i < n; ++i) z += std::exp(static_cast<double>(deep[i] - top));
    const double a = z > 0 ? w / z : 0, b = knn_sum > 0 ? (1 - w) / knn_sum : 0;
    for (size_t i = 1; i < n; ++i) {
      deep[i] = static_cast<float>(a * std::exp(static_cast<double>(deep[i] - top)) +
                                   b * std::max(0.0f, knn[i]));
    }
    deep[0] = -std::numeric_limits<float>::infinity();
  }

  // The weight with the best MRR@20 on (up to tune_cases of) the validation cases.
  void tune(const Dataset& data) {
    const SessionSet valid = data.valid();
    std::vector<PrefixExample> cases = prefix_examples(valid, 1, false);
    if (cfg_.tune_cases > 0 && cases.size() > cfg_.tune_cases) {
      std::vector<PrefixExample> kept;
      for (uint64_t i = 0; i < cfg_.tune_cases; ++i) {
        kept.push_back(cases[i * cases.size() / cfg_.tune_cases]);
      }
      cases.swap(kept);
    }
    std::vector<double> grid;
    for (double w = 0; w < 1 + 1e-9; w += cfg_.grid_step) grid.push_back(std::min(w, 1.0));
    if (grid.back() < 1) grid.push_back(1);
    const uint32_t n = data.num_items();
    std::vector<double> mrr(grid.size(), 0.0);
    std::mutex mu;
    parallel_for(cases.size(), std::max(1, run_.threads), 64, [&](size_t begin, size_t end, int) {
      std::vector<float> deep(n), knn(n), mixed(n);
      std::vector<double> local(grid.size(), 0.0);
      for (size_t c = begin; c < end; ++c) {
        const SessionView s = valid[cases[c].session];
        const uint32_t len = cases[c].length, target = s.items[len];
        const SessionQuery q{s.items.first(len), s.types.first(len), s.ts_ms.first(len), s.user};
        deep_->score(q, deep);
        knn_->score(q, knn);
        for (size_t g = 0; g < grid.size(); ++g) {
          std::copy(deep.begin(), deep.end(), mixed.begin());
          blend(mixed, knn, grid[g]);
          size_t rank = 1;  // conservative ties: every other item scored >= the target is above
          for (uint32_t i = 1; i < n && rank <= kTuneCutoff; ++i) {
            if (i != target && mixed[i] >= mixed[target]) ++rank;
          }
          if (rank <= kTuneCutoff) local[g] += 1.0 / static_cast<double>(rank);
        }
      }
      std::lock_guard<std::mutex> lock(mu);
      for (size_t g = 0; g < grid.size(); ++g) mrr[g] += local[g];
    });
    size_t best = 0;
    nlohmann::json table = nlohmann::json::array();
    for (size_t g = 0; g < grid.size(); ++g) {
      mrr[g] /= static_cast<double>(std::max<size_t>(1, cases.size()));
      table.push_back({{"weight", grid[g]}, {"valid_MRR@20", mrr[g]}});
      if (mrr[g] > mrr[best]) best = g;
    }
    weight_ = grid[best];
    tuning_ = {{"cases", cases.size()}, {"grid", table}};
    spdlog::info(
        "hybrid: weight {:.2f} of {} (valid MRR@20 {:.4f}; deep alone {:.4f}, {} alone "
        "{:.4f}; {} cases)",
        weight_, cfg_.deep, mrr[best], mrr.back(), cfg_.knn, mrr.front(), cases.size());
  }

  HybridConfig cfg_;
  RunOptions run_;
  std::unique_ptr<SessionModel> deep_, knn_;
  double weight_ = -1;
  std::optional<Dataset> neighbours_;  // the sessions the kNN part is fitted on
  nlohmann::json deep_report_, tuning_;
};

}  // namespace

std::unique_ptr<SessionModel> make_hybrid(const nlohmann::json& hparams) {
  return std::make_unique<Hybrid>(HybridConfig::from_json(hparams));
}

}  // namespace kairos
