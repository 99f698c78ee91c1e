// The deep interest model ("gru", models/interest/interest_model.h): a GRU over the session's
// events — each event the concatenation of its item, category and behaviour-type embeddings — with
// one head per task: a softmax over the categories (category), a softmax over the behaviour types
// (next-action), a logistic output (intent). Trained session-parallel (Hidasi et al.'s
// mini-batches, one-step truncated back-propagation as GRU4Rec) with Adam; the loss is the sum over
// the heads of each head's mean loss per step (cross-entropy over the classes, targets of unknown
// category ignored; binary cross-entropy for intent). The trainer (train/trainer.h) runs the epochs
// and early-stops on the primary (first) task's validation scalar.
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <numeric>
#include <optional>
#include <set>

#include "core/error.h"
#include "core/event_type.h"
#include "core/rng.h"
#include "features/session_features.h"
#include "features/session_flags.h"
#include "features/session_parallel.h"
#include "models/artifact_text.h"
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

struct InterestGruConfig {
  std::vector<Task> tasks;
  int hidden = 100;
  int item_dim = 64;  // 0: the items' own identity is not an input (categories and types only)
  int category_dim = 32;
  int type_dim = 8;
  double dropout = 0.2;
  double learning_rate = 0.003;
  int batch_size = 128;
  std::string intent_target = "converts";  // converts | within
  uint32_t within = 5;
  // An interest artifact of the same dataset whose encoder (embeddings and GRU) starts this
  // model, with the heads both models have; with freeze_encoder those stay as they are and only
  // the new heads train (new heads on a trained encoder).
  std::string init_from;
  bool freeze_encoder = false;
  // Item statistics of the training sessions as inputs beside the embeddings: ln(1 + events) / 10,
  // the smoothed share of the item's sessions that bought it and that carted it (the intent
  // baselines' item features, features/session_features.h); out-of-fold for training sessions.
  bool item_stats = false;
  // Truncated back-propagation through time: the graph is cut every `bptt` steps (1 = one-step,
  // as GRU4Rec; longer windows let a head learn what happened several events ago, at the cost of
  // memory and time per step).
  int bptt = 1;
  // Per-event session flags as inputs (features/session_flags.h): the item was seen earlier in
  // the session, was carted earlier in it, the category is the previous event's. The serving
  // state then also holds the prefix's last 256 items and carted items.
  bool session_flags = false;
  TrainConfig train;  // the shared training keys, saved in the same flat object

  NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(InterestGruConfig, hidden, item_dim, category_dim,
                                              type_dim, dropout, learning_rate, batch_size,
                                              intent_target, within, init_from, freeze_encoder,
                                              item_stats, bptt, session_flags)

  void check(const std::string& model) const {
    KAIROS_CHECK_USAGE(hidden > 0 && category_dim > 0 && type_dim > 0 && item_dim >= 0,
                       "{}: hidden, category_dim and type_dim must be positive, item_dim >= 0",
                       model);
    KAIROS_CHECK_USAGE(dropout >= 0 && dropout < 1, "{}: dropout must be in [0, 1)", model);
    KAIROS_CHECK_USAGE(batch_size > 0 && learning_rate > 0,
                       "{}: batch_size and learning_rate must be positive", model);
    KAIROS_CHECK_USAGE(intent_target == "converts" || intent_target == "within",
                       "{}: intent_target must be converts or within", model);
    KAIROS_CHECK_USAGE(within >= 1, "{}: within must be >= 1", model);
    KAIROS_CHECK_USAGE(bptt >= 1 && bptt <= 1000, "{}: bptt must be in 1..1000", model);
    KAIROS_CHECK_USAGE(!freeze_encoder || !init_from.empty(),
                       "{}: freeze_encoder needs init_from (the artifact whose encoder is kept)",
                       model);
  }

  // Defaults: a model with the intent head alone is smaller (hidden 64, item_dim 32,
  // category_dim 16, dropout 0.1): one logistic output needs less than a softmax over categories.
  static InterestGruConfig from_json(const nlohmann::json& j) {
    ConfigReader r(j, "gru");
    InterestGruConfig c;
    c.tasks = parse_interest_tasks(r.take("tasks", "category"));
    if (c.tasks == std::vector<Task>{Task::kIntent}) {
      c.hidden = 64;
      c.item_dim = 32;
      c.category_dim = 16;
      c.dropout = 0.1;
    }
    r.read(c);
    c.train = TrainConfig::read(r, 5);
    r.finish();
    return c;
  }
  nlohmann::json to_json() const { return with_task_names(model_config_json(*this), tasks); }
  IntentTarget target() const { return intent_target_of(intent_target); }
  bool has(Task t) const { return has_task(tasks, t); }
};

struct NetImpl : torch::nn::Module {
  NetImpl(const InterestGruConfig& c, int64_t items, int64_t categories)
      : use_items(c.item_dim > 0),
        item(register_module(
            "item", torch::nn::Embedding(c.item_dim > 0 ? items : 1, std::max(c.item_dim, 1)))),
        category(register_module("category", torch::nn::Embedding(categories, c.category_dim))),
        type(register_module("type", torch::nn::Embedding(kNumEventTypes, c.type_dim))),
        cell(register_module("cell", torch::nn::GRUCell(c.item_dim + c.category_dim + c.type_dim +
                                                            (c.item_stats ? kStats : 0) +
                                                            (c.session_flags ? kFlags : 0),
                                                        c.hidden))),
        drop(register_module("drop", torch::nn::Dropout(c.dropout))) {
    if (c.item_stats) stats = register_buffer("item_stats", torch::zeros({items, kStats}));
    heads.add(*this, c.tasks, c.hidden, categories);
  }
  static constexpr int64_t kStats = 3;
  static constexpr auto kFlags = static_cast<int64_t>(SessionFlags::kCount);
  // One step for a batch of events: the new hidden state [B, H]. `item_stats` [B, kStats]: the
  // events' item statistics (training: out-of-fold); undefined: read from the `stats` buffer.
  // `flags` [B, kFlags]: the events' session flags (session_flags models only).
  torch::Tensor step(const torch::Tensor& items, const torch::Tensor& categories,
                     const torch::Tensor& types, const torch::Tensor& h,
                     const torch::Tensor& item_stats = {}, const torch::Tensor& flags = {}) {
    std::vector<torch::Tensor> x = {category(categories), type(types)};
    if (use_items) x.insert(x.begin(), item(items));
    if (stats.defined())
      x.push_back(item_stats.defined() ? item_stats : stats.index_select(0, items));
    if (flags.defined()) x.push_back(flags);
    return cell(drop(torch::cat(x, 1)), h);
  }
  bool use_items;
  torch::nn::Embedding item, category, type;
  torch::nn::GRUCell cell;
  torch::nn::Dropout drop;
  InterestHeads heads;
  torch::Tensor stats;  // [items, kStats] item statistics of all training sessions (item_stats)
};
TORCH_MODULE(Net);

torch::Tensor longs(const std::vector<int64_t>& v) { return torch::tensor(v, torch::kLong); }

// The state of a session_flags model: the hidden vector and the prefix memory of the flags.
struct FlaggedState final : InterestState {
  explicit FlaggedState(size_t n) : v(n, 0.0f) {}
  std::vector<float> v;
  SessionFlags flags;
  std::unique_ptr<InterestState> clone() const override {
    return std::make_unique<FlaggedState>(*this);
  }
  size_t bytes() const override {
    return sizeof(*this) + v.capacity() * sizeof(float) + flags.bytes() - sizeof(flags);
  }
};

class InterestGru final : public InterestModel, public Trainable {
 public:
  explicit InterestGru(InterestGruConfig c) : cfg_(std::move(c)) {}

  std::string name() const override { return "gru"; }
  const std::vector<Task>& tasks() const override { return cfg_.tasks; }
  IntentTarget intent_target() const override { return cfg_.target(); }
  uint32_t intent_within() const override { return cfg_.within; }
  nlohmann::json hparams() const override { return cfg_.to_json(); }
  nlohmann::json training_report() const override {
    return summary_.epochs.empty() ? nlohmann::json(nullptr) : to_json(summary_);
  }

  void fit(const Dataset& data, const SessionSet& train) override {
    set_compute_threads(1);
    configure_allocator(StepShapes::kFixed);
    seed_torch(cfg_.train.seed);
    rng_ = Rng(cfg_.train.seed);
    const Task primary = cfg_.tasks.front();
    primary_labels_ = primary_label_space(cfg_.tasks, data);
    const auto cats = data.item_category();
    build(data.num_items(), {cats.begin(), cats.end()},
          std::max<uint32_t>(data.num_categories(), 1));
    if (!cfg_.init_from.empty()) load_encoder(cfg_.init_from, data);
    const bool validate = cfg_.train.validate && !data.valid().empty();
    train_ = validate ? data.train() : train;
    if (cfg_.item_stats) fill_item_stats(data.num_items());
    if (cfg_.session_flags) fill_session_flags();
    std::vector<torch::Tensor> trained;
    for (const auto& p : net_->named_parameters()) {
      if (cfg_.freeze_encoder && loaded_.count(p.key()) != 0) {
        p.value().set_requires_grad(false);
      } else {
        trained.push_back(p.value());
      }
    }
    optimizer_ = std::make_unique<torch::optim::Adam>(
        trained, torch::optim::AdamOptions(cfg_.learning_rate));
    if (cfg_.has(Task::kIntent)) check_has_purchases(train_, "training");
    next_buy_.clear();
    events_ = 0;
    for (size_t s = 0; s < train_.size(); ++s) {
      if (cfg_.has(Task::kIntent)) next_buy_.push_back(next_buy_positions(train_[s]));
      if (train_[s].size() >= 2) events_ += train_[s].size() - 1;
    }
    if (primary == Task::kIntent) {
      intent_view_ = std::make_unique<InterestIntentView>(*this);
    } else {
      label_view_ = std::make_unique<InterestLabelView>(*this, primary);
    }
    TrainOptions o = cfg_.train.options(name(), run_);
    o.validate = validate;
    o.task = primary;
    std::string heads;
    for (Task t : cfg_.tasks) heads += (heads.empty() ? "" : ", ") + std::string(task_name(t));
    spdlog::info("gru ({}): {} training events, {} categories; {}", heads, events_, categories_,
                 compute_description(1));
    summary_ = run_training(*this, data, o);
    train_ = SessionSet();
    flag_rows_ = torch::Tensor();
    flag_offsets_.clear();
    next_buy_.clear();
    best_.clear();
    optimizer_.reset();
    fold_stats_ = torch::Tensor();
    net_->eval();
  }

  std::unique_ptr<InterestState> start() const override {
    const auto n = static_cast<size_t>(cfg_.hidden);
    if (cfg_.session_flags) return std::make_unique<FlaggedState>(n);
    return std::make_unique<VectorInterestState>(n);
  }

  void observe(InterestState& state, uint32_t item, uint8_t type) const override {
    KAIROS_CHECK_USAGE(net_, "gru: observe before fit");
    std::vector<float>& h_state = hidden(state);
    torch::NoGradGuard no_grad;
    const torch::Tensor h = torch::from_blob(h_state.data(), {1, cfg_.hidden});
    const int64_t cat = item < category_.size() ? category_[item] : 0;
    const int64_t known = item < num_items_ ? static_cast<int64_t>(item) : 0;
    torch::Tensor flags;
    auto* flagged = dynamic_cast<FlaggedState*>(&state);
    if (flagged != nullptr) {
      auto f = flagged->flags.of(static_cast<uint32_t>(known), static_cast<uint32_t>(cat));
      flags = torch::from_blob(f.data(), {1, NetImpl::kFlags}).clone();
      // An unknown item (index 0) is not remembered: two different unknown items are not "seen".
      if (known != 0)
        flagged->flags.add(static_cast<uint32_t>(known), static_cast<uint32_t>(cat), type);
    }
    const torch::Tensor next =
        net_->step(longs({known}), longs({cat}),
                   longs({std::min<int64_t>(type, kNumEventTypes - 1)}), h, {}, flags)
            .contiguous();
    std::copy(next.data_ptr<float>(), next.data_ptr<float>() + cfg_.hidden, h_state.begin());
  }

  InterestOutput predict(const InterestState& state) const override {
    KAIROS_CHECK_USAGE(net_, "gru: predict before fit");
    std::vector<float>& h_state = hidden(const_cast<InterestState&>(state));
    torch::NoGradGuard no_grad;
    return net_->heads.predict(torch::from_blob(h_state.data(), {1, cfg_.hidden}).clone());
  }

  void save_weights(const std::string& path) const override { save_tensors(named(), path); }
  void load_weights(const std::string& path, uint32_t num_items,
                    std::vector<uint32_t> item_category, uint32_t num_categories) override {
    KAIROS_CHECK(item_category.size() == num_items, "gru: {} item categories for {} items",
                 item_category.size(), num_items);
    build(num_items, std::move(item_category), std::max<uint32_t>(num_categories, 1));
    load_tensors(named(), path);
    net_->eval();
  }

  void set_run_options(const RunOptions& run) override { run_ = run; }

  // ---- Trainable ----
  const LabelModel* label_model() const override { return label_view_.get(); }
  const EventLabels* labels() const override { return label_view_ ? &primary_labels_ : nullptr; }
  const SequenceIntentModel* intent_model() const override { return intent_view_.get(); }
  uint64_t events_per_epoch() const override { return events_; }

  void begin_epoch(int, double lr_factor) override {
    net_->train();
    set_adam_lr(*optimizer_, cfg_.learning_rate * lr_factor);
    std::vector<uint32_t> order(train_.size());
    std::iota(order.begin(), order.end(), 0u);
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng_.below(i)]);
    batches_.emplace(train_, std::move(order), cfg_.batch_size);
    h_ = torch::zeros({cfg_.batch_size, cfg_.hidden});
    has_update_ = false;
  }

  // One update covers `bptt` session-parallel steps (1: one-step truncated back-propagation, as
  // GRU4Rec): their losses are summed over the window, back-propagated through its steps, and
  // the graph is cut at its end.
  bool forward_backward(EpochProgress* progress) override {
    torch::Tensor window = torch::zeros({});
    int window_steps = 0, age = 0;
    while (age < cfg_.bptt && batches_->next()) {
      ++age;
      if (step_loss(progress, &window)) ++window_steps;
    }
    if (age == 0) return false;
    has_update_ = window_steps > 0;
    if (has_update_) {
      optimizer_->zero_grad();
      (window / static_cast<double>(window_steps)).backward();
    }
    h_ = h_.detach();
    return true;
  }

  void apply_update() override {
    if (has_update_) optimizer_->step();
    has_update_ = false;
  }

  void end_epoch() override {
    batches_.reset();
    h_ = torch::Tensor();
    net_->eval();
  }

  void keep_best() override { best_ = snapshot(net_->parameters()); }
  void restore_best() override { restore(net_->parameters(), best_); }

 private:
  // One session-parallel step: advances h_, adds the heads' loss to `window`; false when no
  // trained head had a target (nothing to back-propagate).
  bool step_loss(EpochProgress* progress, torch::Tensor* window) {
    std::vector<int64_t> items, cats, types, cat_targets, action_targets;
    std::vector<float> intent_targets, keep;
    const Task primary = cfg_.tasks.front();
    const int lanes = batches_->lanes();
    if (h_.size(0) != lanes) h_ = h_.narrow(0, 0, lanes).contiguous();
    items.assign(lanes, 0);
    cats.assign(lanes, 0);
    types.assign(lanes, 0);
    cat_targets.assign(lanes, -100);  // ignored by the loss
    action_targets.assign(lanes, 0);
    intent_targets.assign(lanes, 0.0f);
    keep.assign(lanes, 1.0f);
    for (int i = 0; i < lanes; ++i) {
      const auto item = static_cast<uint32_t>(batches_->input()[i]);
      items[i] = item;
      cats[i] = category_[item];
      types[i] = std::min<uint8_t>(batches_->input_type()[i], kNumEventTypes - 1);
      const auto target = static_cast<uint32_t>(batches_->target()[i]);
      if (category_[target] != 0) cat_targets[i] = category_[target];
      action_targets[i] = std::min<uint8_t>(batches_->target_type()[i], kNumEventTypes - 1);
      if (!next_buy_.empty()) {
        // The prefix ends at the input event: its length is position + 1.
        intent_targets[i] = intent_label(next_buy_[batches_->session()[i]],
                                         batches_->position()[i] + 1, cfg_.target(), cfg_.within);
      }
      if (batches_->reset()[i]) keep[i] = 0.0f;
    }
    // New sessions start from zero. The graph is cut every `bptt` steps (1: one-step truncated
    // back-propagation, as GRU4Rec); in between, gradients flow back through the earlier steps
    // of each lane's session (a reset lane's factor 0 stops them at its session's start).
    h_ = h_ * torch::tensor(keep).unsqueeze(1);
    torch::Tensor stats;
    if (fold_stats_.defined()) {
      std::vector<int64_t> rows(lanes);
      for (int i = 0; i < lanes; ++i) {
        const auto fold = static_cast<int64_t>(batches_->session()[i] % FoldedItemStats::kFolds);
        rows[i] = fold * num_items_ + items[i];
      }
      stats = fold_stats_.index_select(0, longs(rows));
    }
    torch::Tensor flags;
    if (flag_rows_.defined()) {
      std::vector<int64_t> rows(lanes);
      for (int i = 0; i < lanes; ++i)
        rows[i] =
            static_cast<int64_t>(flag_offsets_[batches_->session()[i]] + batches_->position()[i]);
      flags = flag_rows_.index_select(0, longs(rows));
    }
    h_ = net_->step(longs(items), longs(cats), longs(types), h_, stats, flags);
    const torch::Tensor hd = net_->drop(h_);
    const HeadsLoss loss = net_->heads.loss(hd, longs(cat_targets), longs(action_targets),
                                            torch::tensor(intent_targets), primary);
    progress->loss_sum += loss.primary_sum;
    progress->events += loss.primary_count;
    if (!loss.total.requires_grad()) return false;
    *window = *window + loss.total;
    return true;
  }

  void build(uint32_t num_items, std::vector<uint32_t> item_category, uint32_t num_categories) {
    num_items_ = num_items;
    categories_ = num_categories;
    category_ = std::move(item_category);
    for (uint32_t& c : category_) {
      KAIROS_CHECK(c < num_categories, "gru: category id {} out of range ({} categories)", c,
                   num_categories);
    }
    net_ = Net(cfg_, std::max<uint32_t>(num_items, 1), num_categories);
    net_->eval();
  }
  // The item statistics: of all training sessions into the net's buffer (validation, serving),
  // and per fold for the training sessions' own steps (out-of-fold: a session's purchase never
  // reaches its own inputs).
  void fill_item_stats(uint32_t num_items) {
    const FoldedItemStats folded(train_, num_items);
    auto rows = [&](const ItemStats& st) {
      torch::Tensor t = torch::zeros({static_cast<int64_t>(num_items), NetImpl::kStats});
      auto a = t.accessor<float, 2>();
      for (uint32_t i = 1; i < num_items; ++i) {
        a[i][0] = static_cast<float>(st.log_popularity(i) / 10.0);
        a[i][1] = static_cast<float>(st.buy_rate(i));
        a[i][2] = static_cast<float>(st.cart_rate(i));
      }
      return t;
    };
    torch::NoGradGuard no_grad;
    net_->stats.copy_(rows(folded.all()));
    std::vector<torch::Tensor> folds;
    for (int f = 0; f < FoldedItemStats::kFolds; ++f) {
      // for_training_session(s) is the statistics of the folds other than s % kFolds.
      folds.push_back(rows(folded.for_training_session(static_cast<size_t>(f))));
    }
    fold_stats_ = torch::cat(folds, 0);
  }
  // The session flags of every training event (features/session_flags.h), computed once: row
  // flag_offsets_[s] + i holds those of event i of training session s.
  void fill_session_flags() {
    flag_offsets_.assign(train_.size() + 1, 0);
    for (size_t s = 0; s < train_.size(); ++s)
      flag_offsets_[s + 1] = flag_offsets_[s] + train_[s].size();
    flag_rows_ = torch::zeros({static_cast<int64_t>(flag_offsets_.back()), NetImpl::kFlags});
    float* out = flag_rows_.data_ptr<float>();
    for (size_t s = 0; s < train_.size(); ++s) {
      const SessionView v = train_[s];
      SessionFlags memory;
      for (size_t i = 0; i < v.size(); ++i) {
        const uint32_t cat = category_[v.items[i]];
        const auto f = memory.of(v.items[i], cat);
        std::copy(f.begin(), f.end(), out + (flag_offsets_[s] + i) * NetImpl::kFlags);
        memory.add(v.items[i], cat, v.types.empty() ? 0 : v.types[i]);
      }
    }
  }
  // The hidden state inside a state of this model.
  std::vector<float>& hidden(InterestState& state) const {
    std::vector<float>* v = nullptr;
    if (cfg_.session_flags) {
      if (auto* s = dynamic_cast<FlaggedState*>(&state)) v = &s->v;
    } else if (auto* s = dynamic_cast<VectorInterestState*>(&state)) {
      v = &s->v;
    }
    KAIROS_CHECK_USAGE(v != nullptr && v->size() == static_cast<size_t>(cfg_.hidden),
                       "gru: not a state of this model");
    return *v;
  }
  static bool is_head(const std::string& name) { return name.find("_head.") != std::string::npos; }
  // The encoder's weights from another interest artifact trained on the same dataset.
  void load_encoder(const std::string& dir, const Dataset& data) {
    std::ifstream in(dir + "/meta.json", std::ios::binary);
    KAIROS_CHECK_IO(in.good(), "gru: init_from {}: no meta.json there", dir);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const nlohmann::json meta = parse_artifact_meta(text, dir, "kairos-interest");
    KAIROS_CHECK(meta["dataset"].value("fingerprint", "") == data.fingerprint(),
                 "gru: init_from {} was trained on another dataset (its item and category indices "
                 "do not match this one)",
                 dir);
    const nlohmann::json& h = meta.value("hparams", nlohmann::json::object());
    KAIROS_CHECK_USAGE(h.value("session_flags", false) == cfg_.session_flags,
                       "gru: init_from {} has session_flags = {}, this model {}", dir,
                       h.value("session_flags", false), cfg_.session_flags);
    for (const char* key : {"hidden", "item_dim", "category_dim", "type_dim"}) {
      KAIROS_CHECK_USAGE(h.value(key, -1) == cfg_.to_json()[key],
                         "gru: init_from {} has {} = {}, this model {}", dir, key,
                         h.value(key, nlohmann::json()).dump(), cfg_.to_json()[key].dump());
    }
    // The heads both models have come along (and are frozen with the encoder): a model with the
    // source's intent head plus new category and next-action heads answers intent as the source
    // did.
    std::vector<std::string> inherited;
    for (const auto& t : meta.value("tasks", nlohmann::json::array())) {
      const Task task = parse_task(t.get<std::string>());
      if (cfg_.has(task)) inherited.push_back(head_prefix(task));
    }
    NamedTensors loaded;
    loaded_.clear();
    for (const auto& p : net_->named_parameters()) {
      const bool head = is_head(p.key());
      const bool kept = std::any_of(inherited.begin(), inherited.end(),
                                    [&](const std::string& h) { return p.key().rfind(h, 0) == 0; });
      if (head && !kept) continue;
      loaded.emplace_back(p.key(), p.value());
      loaded_.insert(p.key());
    }
    torch::NoGradGuard no_grad;
    load_tensors(loaded, dir + "/model.pt");
    spdlog::info("gru: encoder{} from {}{}", inherited.empty() ? "" : " and shared heads", dir,
                 cfg_.freeze_encoder ? " (frozen)" : "");
  }
  static std::string head_prefix(Task t) {
    switch (t) {
      case Task::kCategory:
        return "category_head.";
      case Task::kNextAction:
        return "action_head.";
      default:
        return "intent_head.";
    }
  }
  NamedTensors named() const { return named_tensors(*net_, /*buffers=*/true); }

  InterestGruConfig cfg_;
  RunOptions run_;
  Rng rng_{42};
  uint32_t num_items_ = 0, categories_ = 0;
  std::vector<uint32_t> category_;  // item -> category id
  mutable Net net_{nullptr};  // forward in eval mode is const in effect (predict is thread-safe)
  std::unique_ptr<torch::optim::Adam> optimizer_;
  // The epoch in progress: its batches, the lanes' hidden state, and whether the last
  // forward_backward() left gradients to apply.
  std::optional<SessionParallelBatches> batches_;
  torch::Tensor h_;
  bool has_update_ = false;
  torch::Tensor fold_stats_;  // [kFolds * items, kStats] while training with item_stats
  torch::Tensor flag_rows_;   // [training events, kFlags] while training with session_flags
  std::vector<uint64_t> flag_offsets_;
  std::set<std::string> loaded_;  // parameters taken from init_from (frozen with freeze_encoder)
  EventLabels primary_labels_ = EventLabels();
  std::unique_ptr<InterestLabelView> label_view_;
  std::unique_ptr<InterestIntentView> intent_view_;
  SessionSet train_;
  std::vector<std::vector<uint32_t>> next_buy_;  // per training session (intent head)
  uint64_t events_ = 0;
  TrainSummary summary_;
  std::vector<torch::Tensor> best_;
};

}  // namespace

std::unique_ptr<InterestModel> make_interest_gru(const nlohmann::json& hparams) {
  return std::make_unique<InterestGru>(InterestGruConfig::from_json(hparams));
}

}  // namespace kairos
