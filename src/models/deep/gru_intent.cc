// A deep purchase-intent model: a GRU over the session's events (item, category and behaviour-type
// embeddings) with a logistic output, P(target | prefix) after every event; trained
// session-parallel (one-step truncated back-propagation, as GRU4Rec), Adam, binary cross-entropy at
// every step; the trainer early-stops it on the validation log-loss (Task::kIntent).
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <numeric>

#include "core/error.h"
#include "core/event_type.h"
#include "core/rng.h"
#include "features/session_parallel.h"
#include "models/deep/deep_models.h"
#include "models/deep/tensor_io.h"
#include "models/deep/torch_runtime.h"
#include "models/deep/train_config.h"
#include "models/hparams.h"
#include "train/trainer.h"

namespace kairos {
namespace {

struct GruIntentConfig {
  int hidden = 64;
  int item_dim = 32;  // 0: no item identity input
  int category_dim = 16;
  int type_dim = 8;
  double dropout = 0.1;
  double learning_rate = 0.003;
  int batch_size = 128;
  TrainConfig train;

  static GruIntentConfig from_json(const nlohmann::json& j) {
    Hparams h(j, "gru");
    GruIntentConfig c;
    c.hidden = h.get<int>("hidden", c.hidden);
    c.item_dim = h.get<int>("item_dim", c.item_dim);
    c.category_dim = h.get<int>("category_dim", c.category_dim);
    c.type_dim = h.get<int>("type_dim", c.type_dim);
    c.dropout = h.get<double>("dropout", c.dropout);
    c.learning_rate = h.get<double>("learning_rate", c.learning_rate);
    c.batch_size = h.get<int>("batch_size", c.batch_size);
    c.train = TrainConfig::read(h, 5);
    h.finish();
    KAIROS_CHECK_USAGE(c.hidden > 0 && c.category_dim > 0 && c.type_dim > 0 && c.item_dim >= 0,
                       "gru: hidden, category_dim and type_dim must be positive, item_dim >= 0");
    KAIROS_CHECK_USAGE(c.dropout >= 0 && c.dropout < 1, "gru: dropout must be in [0, 1)");
    KAIROS_CHECK_USAGE(c.batch_size > 0 && c.learning_rate > 0,
                       "gru: batch_size and learning_rate must be positive");
    return c;
  }
};

struct NetImpl : torch::nn::Module {
  NetImpl(const GruIntentConfig& c, int64_t items, int64_t categories)
      : use_items(c.item_dim > 0),
        item(register_module(
            "item", torch::nn::Embedding(std::max<int64_t>(items, 1), std::max(c.item_dim, 1)))),
        category(register_module("category", torch::nn::Embedding(categories, c.category_dim))),
        type(register_module("type", torch::nn::Embedding(kNumEventTypes, c.type_dim))),
        cell(register_module(
            "cell", torch::nn::GRUCell(c.item_dim + c.category_dim + c.type_dim, c.hidden))),
        drop(register_module("drop", torch::nn::Dropout(c.dropout))),
        head(register_module("head", torch::nn::Linear(c.hidden, 1))) {}
  torch::Tensor step(const torch::Tensor& items, const torch::Tensor& categories,
                     const torch::Tensor& types, const torch::Tensor& h) {
    std::vector<torch::Tensor> x = {category(categories), type(types)};
    if (use_items) x.insert(x.begin(), item(items));
    return cell(drop(torch::cat(x, 1)), h);
  }
  torch::Tensor logit(const torch::Tensor& h) { return head(drop(h)).reshape({-1}); }
  bool use_items;
  torch::nn::Embedding item, category, type;
  torch::nn::GRUCell cell;
  torch::nn::Dropout drop;
  torch::nn::Linear head;
};
TORCH_MODULE(Net);

torch::Tensor longs(const std::vector<int64_t>& v) { return torch::tensor(v, torch::kLong); }

class GruIntent final : public SequenceIntentModel, public Trainable {
 public:
  explicit GruIntent(GruIntentConfig c) : cfg_(std::move(c)) {}
  std::string name() const override { return "gru"; }

  void fit(const Dataset& data, IntentTarget target, uint32_t within) override {
    KAIROS_CHECK_USAGE(within >= 1, "gru: within must be >= 1");
    set_compute_threads(1);
    configure_allocator();
    seed_torch(cfg_.train.seed);
    rng_ = Rng(cfg_.train.seed);
    target_ = target;
    within_ = within;
    const auto cats = data.item_category();
    category_.assign(cats.begin(), cats.end());
    net_ = Net(cfg_, cfg_.item_dim > 0 ? data.num_items() : 1,
               std::max<uint32_t>(data.num_categories(), 1));
    optimizer_ = std::make_unique<torch::optim::Adam>(
        net_->parameters(), torch::optim::AdamOptions(cfg_.learning_rate));
    train_ = data.train();
    next_buy_.clear();
    events_ = 0;
    for (size_t s = 0; s < train_.size(); ++s) {
      next_buy_.push_back(next_buy_positions(train_[s]));
      if (train_[s].size() >= 2) events_ += train_[s].size() - 1;
    }
    TrainOptions o = cfg_.train.options(name());
    o.validate = cfg_.train.validate && !data.valid().empty();
    o.task = Task::kIntent;
    spdlog::info("gru (intent, {}): {} training prefixes; {}",
                 target == IntentTarget::kConverts ? "converts" : "within", events_,
                 compute_description(1));
    summary_ = run_training(*this, data, o);
    train_ = SessionSet();
    next_buy_.clear();
    best_.clear();
    net_->eval();
  }

  double predict(const SessionView& s, uint32_t prefix) const override {
    KAIROS_CHECK_USAGE(!category_.empty(), "gru: predict before fit");
    torch::NoGradGuard no_grad;
    torch::Tensor h = torch::zeros({1, cfg_.hidden});
    for (uint32_t i = 0; i < prefix && i < s.size(); ++i) h = step_one(s.items[i], s.types[i], h);
    return torch::sigmoid(net_->logit(h)).item<double>();
  }

  // ---- Trainable ----
  const SequenceIntentModel* intent_model() const override { return this; }
  IntentTarget intent_target() const override { return target_; }
  uint32_t intent_within() const override { return within_; }
  uint64_t events_per_epoch() const override { return events_; }

  void train_epoch(int, double lr_factor,
                   const std::function<void(const EpochProgress&)>& report) override {
    net_->train();
    for (auto& g : optimizer_->param_groups()) {
      static_cast<torch::optim::AdamOptions&>(g.options()).lr(cfg_.learning_rate * lr_factor);
    }
    std::vector<uint32_t> order(train_.size());
    std::iota(order.begin(), order.end(), 0u);
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng_.below(i)]);
    SessionParallelBatches batches(train_, std::move(order), cfg_.batch_size);
    torch::Tensor h = torch::zeros({cfg_.batch_size, cfg_.hidden});
    std::vector<int64_t> items, cats, types;
    std::vector<float> labels, keep;
    EpochProgress pending;
    int steps = 0;
    while (batches.next()) {
      const int lanes = batches.lanes();
      if (h.size(0) != lanes) h = h.narrow(0, 0, lanes).contiguous();
      items.assign(lanes, 0);
      cats.assign(lanes, 0);
      types.assign(lanes, 0);
      labels.assign(lanes, 0.0f);
      keep.assign(lanes, 1.0f);
      for (int i = 0; i < lanes; ++i) {
        const auto item = static_cast<uint32_t>(batches.input()[i]);
        items[i] = cfg_.item_dim > 0 ? item : 0;
        cats[i] = item < category_.size() ? category_[item] : 0;
        types[i] = std::min<uint8_t>(batches.input_type()[i], kNumEventTypes - 1);
        // The prefix ends at the input event: its length is position + 1.
        const uint32_t s = batches.session()[i];
        labels[i] = intent_label(next_buy_[s], batches.position()[i] + 1, target_, within_);
        if (batches.reset()[i]) keep[i] = 0.0f;
      }
      h = (h * torch::tensor(keep).unsqueeze(1)).detach();
      h = net_->step(longs(items), longs(cats), longs(types), h);
      const torch::Tensor loss = torch::nn::functional::binary_cross_entropy_with_logits(
          net_->logit(h), torch::tensor(labels),
          torch::nn::functional::BinaryCrossEntropyWithLogitsFuncOptions().reduction(torch::kSum));
      optimizer_->zero_grad();
      (loss / static_cast<double>(lanes)).backward();
      optimizer_->step();
      pending.loss_sum += loss.item<double>();
      pending.events += lanes;
      if (++steps % 64 == 0) {
        report(pending);
        pending = {};
      }
    }
    report(pending);
    net_->eval();
  }

  void keep_best() override { best_ = snapshot(net_->parameters()); }
  void restore_best() override { restore(net_->parameters(), best_); }

 private:
  torch::Tensor step_one(uint32_t item, uint8_t type, const torch::Tensor& h) const {
    const int64_t cat = item < category_.size() ? category_[item] : 0;
    return net_->step(longs({cfg_.item_dim > 0 ? static_cast<int64_t>(item) : 0}), longs({cat}),
                      longs({std::min<int64_t>(type, kNumEventTypes - 1)}), h);
  }

  GruIntentConfig cfg_;
  Rng rng_{42};
  IntentTarget target_ = IntentTarget::kConverts;
  uint32_t within_ = 5;
  std::vector<uint32_t> category_;
  mutable Net net_{nullptr};  // forward in eval mode is const in effect (predict is thread-safe)
  std::unique_ptr<torch::optim::Adam> optimizer_;
  SessionSet train_;
  std::vector<std::vector<uint32_t>> next_buy_;  // per training session
  uint64_t events_ = 0;
  TrainSummary summary_;
  std::vector<torch::Tensor> best_;
};

}  // namespace

std::unique_ptr<SequenceIntentModel> make_gru_intent(const nlohmann::json& hparams) {
  return std::make_unique<GruIntent>(GruIntentConfig::from_json(hparams));
}

}  // namespace kairos
