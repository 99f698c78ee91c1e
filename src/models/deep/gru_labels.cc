// A deep label model (tasks: category, next-action): a GRU over the session's events — each
// event's item, class and behaviour-type embeddings concatenated — with a softmax head over the
// task's classes, trained session-parallel (Hidasi et al.'s mini-batches, one-step truncated
// back-propagation as GRU4Rec) with Adam and full cross-entropy over the classes (a few thousand
// at most). Targets that are not a class (items of unknown category) are ignored. The trainer
// (train/trainer.h) runs the epochs and validates by the task's scalar (log-loss).
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
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

struct GruLabelsConfig {
  int hidden = 100;
  int item_dim = 64;  // 0: the items' own identity is not an input (classes and types only)
  int class_dim = 32;
  int type_dim = 8;
  double dropout = 0.2;
  double learning_rate = 0.003;
  int batch_size = 128;
  TrainConfig train;

  static GruLabelsConfig from_json(const nlohmann::json& j) {
    Hparams h(j, "gru");
    GruLabelsConfig c;
    c.hidden = h.get<int>("hidden", c.hidden);
    c.item_dim = h.get<int>("item_dim", c.item_dim);
    c.class_dim = h.get<int>("class_dim", c.class_dim);
    c.type_dim = h.get<int>("type_dim", c.type_dim);
    c.dropout = h.get<double>("dropout", c.dropout);
    c.learning_rate = h.get<double>("learning_rate", c.learning_rate);
    c.batch_size = h.get<int>("batch_size", c.batch_size);
    c.train = TrainConfig::read(h, 5);
    h.finish();
    KAIROS_CHECK_USAGE(c.hidden > 0 && c.class_dim > 0 && c.type_dim > 0 && c.item_dim >= 0,
                       "gru: hidden, class_dim and type_dim must be positive, item_dim >= 0");
    KAIROS_CHECK_USAGE(c.dropout >= 0 && c.dropout < 1, "gru: dropout must be in [0, 1)");
    KAIROS_CHECK_USAGE(c.batch_size > 0 && c.learning_rate > 0,
                       "gru: batch_size and learning_rate must be positive");
    return c;
  }
  nlohmann::json to_json() const {
    nlohmann::json j = train.to_json();
    j.update({{"hidden", hidden},
              {"item_dim", item_dim},
              {"class_dim", class_dim},
              {"type_dim", type_dim},
              {"dropout", dropout},
              {"learning_rate", learning_rate},
              {"batch_size", batch_size}});
    return j;
  }
};

struct NetImpl : torch::nn::Module {
  NetImpl(const GruLabelsConfig& c, int64_t items, int64_t classes)
      : use_items(c.item_dim > 0),
        item(register_module(
            "item", torch::nn::Embedding(std::max<int64_t>(items, 1), std::max(c.item_dim, 1)))),
        cls(register_module("cls", torch::nn::Embedding(classes, c.class_dim))),
        type(register_module("type", torch::nn::Embedding(kNumEventTypes, c.type_dim))),
        cell(register_module("cell",
                             torch::nn::GRUCell(c.item_dim + c.class_dim + c.type_dim, c.hidden))),
        drop(register_module("drop", torch::nn::Dropout(c.dropout))),
        head(register_module("head", torch::nn::Linear(c.hidden, classes))) {}
  // One step for a batch of events: new hidden state [B, H].
  torch::Tensor step(const torch::Tensor& items, const torch::Tensor& classes,
                     const torch::Tensor& types, const torch::Tensor& h) {
    std::vector<torch::Tensor> x = {cls(classes), type(types)};
    if (use_items) x.insert(x.begin(), item(items));
    return cell(drop(torch::cat(x, 1)), h);
  }
  torch::Tensor logits(const torch::Tensor& h) { return head(drop(h)); }
  bool use_items;
  torch::nn::Embedding item, cls, type;
  torch::nn::GRUCell cell;
  torch::nn::Dropout drop;
  torch::nn::Linear head;
};
TORCH_MODULE(Net);

torch::Tensor longs(const std::vector<int64_t>& v) { return torch::tensor(v, torch::kLong); }

class GruLabels final : public LabelModel, public Trainable {
 public:
  explicit GruLabels(GruLabelsConfig c) : cfg_(std::move(c)) {}

  std::string name() const override { return "gru"; }
  nlohmann::json hparams() const override { return cfg_.to_json(); }

  void fit(const EventLabels& labels, const Dataset& data, const SessionSet& train) override {
    set_compute_threads(1);
    configure_allocator();
    seed_torch(cfg_.train.seed);
    rng_ = Rng(cfg_.train.seed);
    labels_ = &labels;
    classes_ = labels.num_classes();
    net_ = Net(cfg_, cfg_.item_dim > 0 ? data.num_items() : 1, classes_);
    optimizer_ = std::make_unique<torch::optim::Adam>(
        net_->parameters(), torch::optim::AdamOptions(cfg_.learning_rate));
    mask_ = torch::zeros({classes_});
    for (uint32_t c = 0; c < classes_; ++c) {
      if (!labels.is_target(c)) mask_[c] = -std::numeric_limits<float>::infinity();
    }
    const bool validate = cfg_.train.validate && !data.valid().empty();
    train_ = validate ? data.train() : train;
    events_ = 0;
    for (size_t s = 0; s < train_.size(); ++s) {
      if (train_[s].size() >= 2) events_ += train_[s].size() - 1;
    }
    TrainOptions o = cfg_.train.options(name());
    o.validate = validate;
    o.task = labels.task();
    spdlog::info("gru ({}): {} training events, {} classes; {}", task_name(labels.task()), events_,
                 classes_, compute_description(1));
    summary_ = run_training(*this, data, o);
    train_ = SessionSet();
    best_.clear();
    net_->eval();
  }

  void predict(const SessionQuery& q, std::span<float> probs) const override {
    KAIROS_CHECK_USAGE(labels_ != nullptr, "gru: predict before fit");
    KAIROS_ASSERT(probs.size() == classes_);
    torch::NoGradGuard no_grad;
    torch::Tensor h = torch::zeros({1, cfg_.hidden});
    for (size_t i = 0; i < q.items.size(); ++i) {
      const uint8_t type = q.types.empty() ? 0 : q.types[i];
      const int64_t item = cfg_.item_dim > 0 ? q.items[i] : 0;
      h = net_->step(longs({item}), longs({labels_->label(q.items[i], type)}),
                     longs({std::min<int64_t>(type, kNumEventTypes - 1)}), h);
    }
    const torch::Tensor p = torch::softmax(net_->logits(h).reshape({-1}) + mask_, 0).contiguous();
    std::copy(p.data_ptr<float>(), p.data_ptr<float>() + classes_, probs.begin());
  }

  // ---- Trainable ----
  const LabelModel* label_model() const override { return this; }
  const EventLabels* labels() const override { return labels_; }
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
    std::vector<int64_t> items, classes, types, targets;
    EpochProgress pending;
    int steps = 0;
    while (batches.next()) {
      const int lanes = batches.lanes();
      if (h.size(0) != lanes) h = h.narrow(0, 0, lanes).contiguous();
      items.assign(lanes, 0);
      classes.assign(lanes, 0);
      types.assign(lanes, 0);
      targets.assign(lanes, -100);  // ignored by the loss
      std::vector<float> keep(lanes, 1.0f);
      int64_t counted = 0;
      for (int i = 0; i < lanes; ++i) {
        const auto item = static_cast<uint32_t>(batches.input()[i]);
        const uint8_t type = std::min<uint8_t>(batches.input_type()[i], kNumEventTypes - 1);
        items[i] = cfg_.item_dim > 0 ? item : 0;
        classes[i] = labels_->label(item, type);
        types[i] = type;
        const uint32_t y =
            labels_->label(static_cast<uint32_t>(batches.target()[i]), batches.target_type()[i]);
        if (labels_->is_target(y)) {
          targets[i] = y;
          ++counted;
        }
        if (batches.reset()[i]) keep[i] = 0.0f;
      }
      h = (h * torch::tensor(keep).unsqueeze(1)).detach();  // new sessions start from zero
      h = net_->step(longs(items), longs(classes), longs(types), h);
      const torch::Tensor loss = torch::nn::functional::cross_entropy(
          net_->logits(h), longs(targets),
          torch::nn::functional::CrossEntropyFuncOptions().ignore_index(-100).reduction(
              torch::kSum));
      if (counted > 0) {
        optimizer_->zero_grad();
        (loss / static_cast<double>(counted)).backward();
        optimizer_->step();
        pending.loss_sum += loss.item<double>();
      }
      pending.events += counted;
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
  GruLabelsConfig cfg_;
  Rng rng_{42};
  const EventLabels* labels_ = nullptr;
  uint32_t classes_ = 0;
  mutable Net net_{nullptr};  // forward in eval mode is const in effect (predict is thread-safe)
  std::unique_ptr<torch::optim::Adam> optimizer_;
  torch::Tensor mask_;
  SessionSet train_;
  uint64_t events_ = 0;
  TrainSummary summary_;
  std::vector<torch::Tensor> best_;
};

}  // namespace

std::unique_ptr<LabelModel> make_gru_labels(const nlohmann::json& hparams) {
  return std::make_unique<GruLabels>(GruLabelsConfig::from_json(hparams));
}

}  // namespace kairos
