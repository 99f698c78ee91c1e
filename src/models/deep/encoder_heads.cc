// Interest heads on a trained next-item encoder ("heads", models/interest/interest_model.h): the
// session vector of a GRU4Rec, SASRec, NARM, ... artifact (its query vector, the one its
// next-item scores are inner products with) is the encoder; category, next-action and intent
// heads are trained on top of it, the encoder frozen. Each head reads
//
//   [LayerNorm(query vector) | category embedding and behaviour-type embedding of the last event |
//    ln(1 + count of each behaviour type so far) | ln(1 + prefix length)]
//
// through one shared hidden layer (ReLU, dropout) or none (`hidden: 0`: linear heads). The
// encoder sees items only (GRU4Rec) or items and types (SASRec with use_types); the heads add the
// current event's category and the prefix's behaviour counts, so a category head has item and
// category inputs and the intent head sees the carts so far.
//
// Training: the encoder is frozen, so each training prefix's encoder vector is computed once
// (incremental models: one step per event; others re-encode the prefix) and the heads train on
// those rows with Adam in shuffled mini-batches — epochs, validation on the primary head and early
// stopping by the trainer (train/trainer.h). `max_train_prefixes` caps the rows (whole sessions in
// a seeded random order until the cap). The artifact is self-contained: the encoder's weights go
// to encoder.pt beside model.pt, its name and hyperparameters into hparams.
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <optional>

#include "core/error.h"
#include "core/event_type.h"
#include "core/parallel.h"
#include "core/rng.h"
#include "models/config_reader.h"
#include "models/deep/adam_state.h"
#include "models/deep/deep_models.h"
#include "models/deep/interest_heads.h"
#include "models/deep/tensor_io.h"
#include "models/deep/torch_runtime.h"
#include "models/deep/train_config.h"
#include "models/interest/interest_views.h"
#include "train/trainer.h"

namespace kairos {
namespace {

namespace fs = std::filesystem;

constexpr const char* kEncoderFile = "encoder.pt";

struct HeadsConfig {
  std::vector<Task> tasks;
  std::string encoder;  // the next-item artifact directory whose encoder is used (fit only)
  int hidden = 128;     // the shared hidden layer; 0: linear heads on the inputs
  int category_dim = 16;
  int type_dim = 8;
  double dropout = 0.1;
  double learning_rate = 0.003;
  int batch_size = 256;
  uint64_t max_train_prefixes = 400000;  // 0: all
  std::string intent_target = "converts";
  uint32_t within = 5;
  // Set by fit() from the encoder artifact and saved: load_weights() rebuilds the encoder with
  // them (the `encoder` directory need not exist any more).
  std::string encoder_model;
  nlohmann::json encoder_config = nlohmann::json::object();
  TrainConfig train;

  NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(HeadsConfig, encoder, hidden, category_dim, type_dim,
                                              dropout, learning_rate, batch_size,
                                              max_train_prefixes, intent_target, within,
                                              encoder_model, encoder_config)

  void check() const {
    KAIROS_CHECK_USAGE(hidden >= 0 && category_dim > 0 && type_dim > 0,
                       "heads: hidden >= 0, category_dim and type_dim > 0");
    KAIROS_CHECK_USAGE(dropout >= 0 && dropout < 1, "heads: dropout must be in [0, 1)");
    KAIROS_CHECK_USAGE(batch_size > 0 && learning_rate > 0,
                       "heads: batch_size and learning_rate must be positive");
    KAIROS_CHECK_USAGE(intent_target == "converts" || intent_target == "within",
                       "heads: intent_target must be converts or within");
    KAIROS_CHECK_USAGE(within >= 1, "heads: within must be >= 1");
    KAIROS_CHECK_USAGE(encoder_config.is_object(), "heads: encoder_config must be an object");
  }
  static HeadsConfig from_json(const nlohmann::json& j) {
    ConfigReader r(j, "heads");
    HeadsConfig c;
    c.tasks = parse_interest_tasks(r.take("tasks", "category"));
    r.read(c);
    c.train = TrainConfig::read(r, 20);
    r.finish();
    c.check();
    c.train.check("heads");
    return c;
  }
  nlohmann::json to_json() const { return with_task_names(model_config_json(*this), tasks); }
  IntentTarget target() const { return intent_target_of(intent_target); }
};

// The extra numeric inputs beside the embeddings: the behaviour-type counts and the length.
constexpr int64_t kCounts = kNumEventTypes + 1;

struct HeadsNetImpl : torch::nn::Module {
  HeadsNetImpl(const HeadsConfig& c, int64_t dim, int64_t categories)
      : norm(register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim})))),
        category(register_module("category", torch::nn::Embedding(categories, c.category_dim))),
        type(register_module("type", torch::nn::Embedding(kNumEventTypes, c.type_dim))),
        drop(register_module("drop", torch::nn::Dropout(c.dropout))) {
    const int64_t in = dim + c.category_dim + c.type_dim + kCounts;
    int64_t width = in;
    if (c.hidden > 0) {
      trunk = register_module("trunk", torch::nn::Linear(in, c.hidden));
      width = c.hidden;
    }
    heads.add(*this, c.tasks, width, categories);
  }
  // The heads' shared input [B, width] from the encoder vectors [B, dim], the last events'
  // categories and types [B] and the counts [B, kCounts].
  torch::Tensor forward(const torch::Tensor& enc, const torch::Tensor& cats,
                        const torch::Tensor& types, const torch::Tensor& counts) {
    torch::Tensor x = drop(torch::cat({norm(enc), category(cats), type(types), counts}, 1));
    if (trunk) x = drop(torch::relu(trunk(x)));
    return x;
  }
  torch::nn::LayerNorm norm;
  torch::nn::Embedding category, type;
  torch::nn::Dropout drop;
  torch::nn::Linear trunk{nullptr};
  InterestHeads heads;
};
TORCH_MODULE(HeadsNet);

struct HeadsState final : InterestState {
  std::unique_ptr<SessionState> enc;
  uint32_t last_item = 0;
  uint8_t last_type = 0;
  std::array<float, kNumEventTypes> counts{};
  std::unique_ptr<InterestState> clone() const override;
  size_t bytes() const override { return sizeof(*this) + enc->bytes(); }
  const SessionModel* encoder = nullptr;  // for clone(): the model that owns `enc`
};

std::unique_ptr<InterestState> HeadsState::clone() const {
  auto s = std::make_unique<HeadsState>();
  s->enc = encoder->clone_state(*enc);
  s->last_item = last_item;
  s->last_type = last_type;
  s->counts = counts;
  s->encoder = encoder;
  return s;
}

// The numeric inputs of a prefix: ln(1 + count) per behaviour type, ln(1 + length) (the length
// is the counts' sum).
void fill_counts(const std::array<float, kNumEventTypes>& counts, float* out) {
  float length = 0;
  for (int t = 0; t < kNumEventTypes; ++t) {
    out[t] = std::log1p(counts[t]);
    length += counts[t];
  }
  out[kNumEventTypes] = std::log1p(length);
}

torch::Tensor longs(const std::vector<int64_t>& v) { return torch::tensor(v, torch::kLong); }

class EncoderHeads final : public InterestModel, public Trainable {
 public:
  EncoderHeads(HeadsConfig c, NextItemLoaders loaders)
      : cfg_(std::move(c)), loaders_(std::move(loaders)) {}

  std::string name() const override { return "heads"; }
  const std::vector<Task>& tasks() const override { return cfg_.tasks; }
  IntentTarget intent_target() const override { return cfg_.target(); }
  uint32_t intent_within() const override { return cfg_.within; }
  nlohmann::json hparams() const override { return cfg_.to_json(); }
  nlohmann::json training_report() const override {
    if (summary_.epochs.empty()) return nullptr;
    nlohmann::json j = to_json(summary_);
    j["train_prefixes"] = rows_;
    j["encode_seconds"] = encode_seconds_;
    return j;
  }
  void set_run_options(const RunOptions& run) override { run_ = run; }

  void fit(const Dataset& data, const SessionSet& train) override {
    KAIROS_CHECK_USAGE(!cfg_.encoder.empty(),
                       "heads: set 'encoder' to a next-item artifact directory (e.g. a trained "
                       "gru4rec or sasrec) trained on this dataset");
    set_compute_threads(1);
    configure_allocator(StepShapes::kVarying);
    seed_torch(cfg_.train.seed);
    rng_ = Rng(cfg_.train.seed);
    encoder_ = loaders_.load(cfg_.encoder, data, &cfg_.encoder_model);
    cfg_.encoder_config = encoder_->hparams();
    const Task primary = cfg_.tasks.front();
    primary_labels_ = primary_label_space(cfg_.tasks, data);
    const auto cats = data.item_category();
    build(data.num_items(), {cats.begin(), cats.end()},
          std::max<uint32_t>(data.num_categories(), 1));
    const bool validate = cfg_.train.validate && !data.valid().empty();
    encode_training_rows(validate ? data.train() : train);
    optimizer_ = std::make_unique<torch::optim::Adam>(
        net_->parameters(), torch::optim::AdamOptions(cfg_.learning_rate));
    if (primary == Task::kIntent) {
      intent_view_ = std::make_unique<InterestIntentView>(*this);
    } else {
      label_view_ = std::make_unique<InterestLabelView>(*this, primary);
    }
    TrainOptions o = cfg_.train.options(name(), run_);
    o.validate = validate;
    o.task = primary;
    summary_ = run_training(*this, data, o);
    rows_enc_ = torch::Tensor();
    rows_int_ = torch::Tensor();
    rows_counts_ = torch::Tensor();
    rows_intent_ = torch::Tensor();
    best_.clear();
    optimizer_.reset();
    net_->eval();
  }

  std::unique_ptr<InterestState> start() const override {
    KAIROS_CHECK_USAGE(encoder_ && net_, "heads: start before fit");
    auto s = std::make_unique<HeadsState>();
    s->enc = encoder_->start();
    s->encoder = encoder_.get();
    return s;
  }

  void observe(InterestState& state, uint32_t item, uint8_t type) const override {
    HeadsState& s = mine(state);
    if (item == 0 || item >= num_items_) return;  // an item the encoder does not know
    const uint8_t t = std::min<uint8_t>(type, kNumEventTypes - 1);
    encoder_->observe(*s.enc, item, t, 0);
    s.last_item = item;
    s.last_type = t;
    s.counts[t] += 1;
  }

  InterestOutput predict(const InterestState& state) const override {
    const HeadsState& s = mine(const_cast<InterestState&>(state));
    torch::NoGradGuard no_grad;
    std::vector<float> enc(static_cast<size_t>(dim_), 0.0f);
    if (s.last_item != 0) {  // an empty session has no session vector yet
      enc = encoder_->query_vector(*s.enc);
      KAIROS_ASSERT(enc.size() == static_cast<size_t>(dim_));
    }
    std::vector<float> counts(kCounts);
    fill_counts(s.counts, counts.data());
    const torch::Tensor x = net_->forward(torch::from_blob(enc.data(), {1, dim_}),
                                          longs({static_cast<int64_t>(category_[s.last_item])}),
                                          longs({static_cast<int64_t>(s.last_type)}),
                                          torch::from_blob(counts.data(), {1, kCounts}));
    return net_->heads.predict(x);
  }

  void save_weights(const std::string& path) const override {
    KAIROS_CHECK_USAGE(encoder_ && net_, "heads: save_weights before fit");
    save_tensors(named_tensors(*net_), path);
    encoder_->save_weights((fs::path(path).parent_path() / kEncoderFile).string());
  }
  void load_weights(const std::string& path, uint32_t num_items,
                    std::vector<uint32_t> item_category, uint32_t num_categories) override {
    KAIROS_CHECK(!cfg_.encoder_model.empty(),
                 "heads: the saved hyperparameters name no encoder_model");
    KAIROS_CHECK(item_category.size() == num_items, "heads: {} item categories for {} items",
                 item_category.size(), num_items);
    const fs::path enc = fs::path(path).parent_path() / kEncoderFile;
    KAIROS_CHECK_IO(fs::is_regular_file(enc),
                    "{} is missing (a heads artifact keeps its encoder's weights there)",
                    enc.string());
    encoder_ = loaders_.make(cfg_.encoder_model, cfg_.encoder_config);
    encoder_->load_weights(enc.string(), num_items);
    build(num_items, std::move(item_category), std::max<uint32_t>(num_categories, 1));
    load_tensors(named_tensors(*net_), path);
    net_->eval();
  }

  // ---- Trainable ----
  const LabelModel* label_model() const override { return label_view_.get(); }
  const EventLabels* labels() const override { return label_view_ ? &primary_labels_ : nullptr; }
  const SequenceIntentModel* intent_model() const override { return intent_view_.get(); }
  uint64_t events_per_epoch() const override { return rows_; }

  void begin_epoch(int, double lr_factor) override {
    net_->train();
    set_adam_lr(*optimizer_, cfg_.learning_rate * lr_factor);
    order_.resize(rows_);
    std::iota(order_.begin(), order_.end(), int64_t{0});
    for (size_t i = order_.size(); i > 1; --i) std::swap(order_[i - 1], order_[rng_.below(i)]);
    next_ = 0;
  }

  bool forward_backward(EpochProgress* progress) override {
    if (next_ >= order_.size()) return false;
    const size_t n = std::min<size_t>(cfg_.batch_size, order_.size() - next_);
    const torch::Tensor idx =
        torch::from_blob(order_.data() + next_, {static_cast<int64_t>(n)}, torch::kLong).clone();
    next_ += n;
    const torch::Tensor ints = rows_int_.index_select(0, idx);  // [n, 4]: cat, type, cat / action
    const torch::Tensor x = net_->forward(rows_enc_.index_select(0, idx), ints.select(1, 0),
                                          ints.select(1, 1), rows_counts_.index_select(0, idx));
    const HeadsLoss loss = net_->heads.loss(x, ints.select(1, 2), ints.select(1, 3),
                                            rows_intent_.index_select(0, idx), cfg_.tasks.front());
    progress->loss_sum += loss.primary_sum;
    progress->events += static_cast<uint64_t>(loss.primary_count);
    has_update_ = loss.total.requires_grad();
    if (has_update_) {
      optimizer_->zero_grad();
      loss.total.backward();
    }
    return true;
  }

  void apply_update() override {
    if (has_update_) optimizer_->step();
    has_update_ = false;
  }
  void end_epoch() override {
    order_.clear();
    net_->eval();
  }
  void keep_best() override { best_ = snapshot(net_->parameters()); }
  void restore_best() override { restore(net_->parameters(), best_); }

 private:
  HeadsState& mine(InterestState& state) const {
    auto* s = dynamic_cast<HeadsState*>(&state);
    KAIROS_CHECK_USAGE(s != nullptr && s->encoder == encoder_.get(),
                       "heads: not a state of this model");
    return *s;
  }

  void build(uint32_t num_items, std::vector<uint32_t> item_category, uint32_t num_categories) {
    num_items_ = num_items;
    category_ = std::move(item_category);
    for (uint32_t c : category_) {
      KAIROS_CHECK(c < num_categories, "heads: category id {} out of range ({} categories)", c,
                   num_categories);
    }
    // The encoder's vector size: its query vector after one event.
    KAIROS_CHECK_USAGE(num_items > 1, "heads: the dataset has no items");
    const auto probe = encoder_->start();
    encoder_->observe(*probe, 1, 0, 0);
    dim_ = static_cast<int64_t>(encoder_->query_vector(*probe).size());
    KAIROS_CHECK_USAGE(dim_ > 0,
                       "heads: encoder {} has no session vector (query_vector); use a deep "
                       "next-item model such as gru4rec, sasrec or narm",
                       cfg_.encoder_model);
    net_ = HeadsNet(cfg_, dim_, num_categories);
    net_->eval();
  }

  // The training rows: every prefix but the last of each chosen session (the last has no next
  // event), its encoder vector computed once with the frozen encoder.
  void encode_training_rows(const SessionSet& train) {
    const auto t0 = std::chrono::steady_clock::now();
    if (has_task(cfg_.tasks, Task::kIntent)) check_has_purchases(train, "training");
    std::vector<uint32_t> order(train.size());
    std::iota(order.begin(), order.end(), 0u);
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng_.below(i)]);
    std::vector<uint32_t> chosen;
    std::vector<uint64_t> offset = {0};
    for (uint32_t s : order) {
      const size_t len = train[s].size();
      if (len < 2) continue;
      if (cfg_.max_train_prefixes > 0 && offset.back() + len - 1 > cfg_.max_train_prefixes) break;
      chosen.push_back(s);
      offset.push_back(offset.back() + len - 1);
    }
    rows_ = offset.back();
    KAIROS_CHECK_USAGE(rows_ > 0, "heads: no training session has two events");
    const auto n = static_cast<int64_t>(rows_);
    rows_enc_ = torch::zeros({n, dim_});
    rows_int_ = torch::zeros({n, 4}, torch::kLong);
    rows_counts_ = torch::zeros({n, kCounts});
    rows_intent_ = torch::zeros({n});
    float* enc = rows_enc_.data_ptr<float>();
    int64_t* ints = rows_int_.data_ptr<int64_t>();
    float* counts = rows_counts_.data_ptr<float>();
    float* intent = rows_intent_.data_ptr<float>();
    const bool with_intent = has_task(cfg_.tasks, Task::kIntent);
    parallel_for(chosen.size(), std::max(1, run_.threads), 64, [&](size_t b, size_t e, int) {
      torch::NoGradGuard no_grad;
      for (size_t c = b; c < e; ++c) {
        const SessionView s = train[chosen[c]];
        const std::vector<uint32_t> next_buy =
            with_intent ? next_buy_positions(s) : std::vector<uint32_t>();
        auto state = encoder_->start();
        std::array<float, kNumEventTypes> seen{};
        for (size_t p = 0; p + 1 < s.size(); ++p) {
          const uint64_t r = offset[c] + p;
          const uint8_t type = std::min<uint8_t>(s.types[p], kNumEventTypes - 1);
          encoder_->observe(*state, s.items[p], type, 0);  // no times, as observe() has none
          const std::vector<float> q = encoder_->query_vector(*state);
          std::copy(q.begin(), q.end(), enc + r * dim_);
          seen[type] += 1;
          fill_counts(seen, counts + r * kCounts);
          const uint32_t next = s.items[p + 1];
          ints[r * 4 + 0] = category_[s.items[p]];
          ints[r * 4 + 1] = type;
          ints[r * 4 + 2] = category_[next] != 0 ? category_[next] : -100;
          ints[r * 4 + 3] = std::min<uint8_t>(s.types[p + 1], kNumEventTypes - 1);
          if (with_intent) {
            intent[r] =
                intent_label(next_buy, static_cast<uint32_t>(p + 1), cfg_.target(), cfg_.within)
                    ? 1.0f
                    : 0.0f;
          }
        }
      }
    });
    encode_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::string heads;
    for (Task t : cfg_.tasks) heads += (heads.empty() ? "" : ", ") + std::string(task_name(t));
    spdlog::info(
        "heads ({}) on {} ({}-dim session vectors, frozen): {} training prefixes of {} sessions "
        "encoded in {:.1f} s{}",
        heads, cfg_.encoder_model, dim_, rows_, chosen.size(), encode_seconds_,
        chosen.size() < train.size() ? " (max_train_prefixes)" : "");
  }

  HeadsConfig cfg_;
  NextItemLoaders loaders_;
  RunOptions run_;
  Rng rng_{42};
  std::unique_ptr<SessionModel> encoder_;
  uint32_t num_items_ = 0;
  int64_t dim_ = 0;
  std::vector<uint32_t> category_;
  mutable HeadsNet net_{nullptr};  // forward in eval mode is const in effect
  std::unique_ptr<torch::optim::Adam> optimizer_;
  // Training rows: encoder vectors [N, dim], (category, type, category target or -100, action
  // target) [N, 4], counts [N, kCounts], intent targets [N].
  torch::Tensor rows_enc_, rows_int_, rows_counts_, rows_intent_;
  uint64_t rows_ = 0;
  double encode_seconds_ = 0;
  std::vector<int64_t> order_;
  size_t next_ = 0;
  bool has_update_ = false;
  EventLabels primary_labels_ = EventLabels();
  std::unique_ptr<InterestLabelView> label_view_;
  std::unique_ptr<InterestIntentView> intent_view_;
  TrainSummary summary_;
  std::vector<torch::Tensor> best_;
};

}  // namespace

std::unique_ptr<InterestModel> make_encoder_heads(const nlohmann::json& hparams,
                                                  NextItemLoaders loaders) {
  return std::make_unique<EncoderHeads>(HeadsConfig::from_json(hparams), std::move(loaders));
}

}  // namespace kairos
