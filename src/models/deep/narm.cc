// NARM (Li et al., CIKM 2017, "Neural Attentive Session-based Recommendation") behind
// SessionModel: a GRU over the session's item embeddings; a global encoder (the last hidden state
// h_t) and a local one (attention over every hidden state, alpha_tj = v^T sigmoid(A1 h_t +
// A2 h_j), c_l = sum_j alpha_tj h_j, unnormalised as in the paper); a bilinear decoder scoring
// item i as emb_i^T B [h_t; c_l]. Trained on every prefix of each training sequence at once
// (the GRU is causal and the attention masked to j <= t), full-softmax cross-entropy over the
// catalogue, Adam, the shared Trainer (begin_epoch / forward_backward / apply_update). Serving
// keeps the hidden states of the session (one GRU step per event) and attends over them.
// docs/models.md lists the differences from the paper.
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

#include "core/error.h"
#include "core/rng.h"
#include "models/attention_shares.h"
#include "models/config_reader.h"
#include "models/deep/adam_state.h"
#include "models/deep/data_parallel.h"
#include "models/deep/deep_models.h"
#include "models/deep/losses.h"
#include "models/deep/sequence_windows.h"
#include "models/deep/tensor_io.h"
#include "models/deep/torch_runtime.h"
#include "models/deep/train_config.h"
#include "models/deep/warm_start.h"
#include "train/trainer.h"

namespace kairos {
namespace {

struct NarmConfig {
  int embedding = 50;           // item embedding size (the paper's 50)
  int hidden = 100;             // GRU units (the paper's 100)
  double dropout_embed = 0.25;  // on the item embeddings (the paper's 25 %)
  double dropout_out = 0.5;     // on [h_t; c_l] before the decoder (the paper's 50 %)
  int max_len = 20;             // training: the last max_len + 1 events of each sequence
  int batch_size = 128;         // sequences per batch (the paper: 512 prefixes)
  double learning_rate = 1e-3;
  double weight_decay = 0.0;
  double clip_norm = 5.0;  // 0 = off
  TrainConfig train{};     // the shared training keys, saved in the same flat object

  NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(NarmConfig, embedding, hidden, dropout_embed,
                                              dropout_out, max_len, batch_size, learning_rate,
                                              weight_decay, clip_norm)
  void check(const std::string& model) const {
    KAIROS_CHECK_USAGE(embedding > 0 && hidden > 0 && max_len > 0 && batch_size > 0,
                       "{}: embedding, hidden, max_len and batch_size must be positive", model);
    for (double p : {dropout_embed, dropout_out}) {
      KAIROS_CHECK_USAGE(p >= 0 && p < 1, "{}: dropout must be in [0, 1)", model);
    }
    KAIROS_CHECK_USAGE(learning_rate > 0, "{}: learning_rate must be positive", model);
  }
  static NarmConfig from_json(const nlohmann::json& j) {
    return read_model_config<NarmConfig>(j, "narm", 10);
  }
  nlohmann::json to_json() const { return model_config_json(*this); }
};

struct NarmNetImpl : torch::nn::Module {
  NarmNetImpl(int64_t items, const NarmConfig& c)
      : item_emb(register_module(
            "item_emb",
            torch::nn::Embedding(torch::nn::EmbeddingOptions(items, c.embedding).padding_idx(0)))),
        gru(register_module(
            "gru", torch::nn::GRU(torch::nn::GRUOptions(c.embedding, c.hidden).batch_first(true)))),
        a1(register_module(
            "a1", torch::nn::Linear(torch::nn::LinearOptions(c.hidden, c.hidden).bias(false)))),
        a2(register_module(
            "a2", torch::nn::Linear(torch::nn::LinearOptions(c.hidden, c.hidden).bias(false)))),
        v(register_module("v",
                          torch::nn::Linear(torch::nn::LinearOptions(c.hidden, 1).bias(false)))),
        b(register_module(
            "b",
            torch::nn::Linear(torch::nn::LinearOptions(2 * c.hidden, c.embedding).bias(false)))),
        drop_embed(c.dropout_embed),
        drop_out(c.dropout_out) {
    // Glorot-uniform item embeddings (small; padding row zero) instead of LibTorch's N(0, 1): with
    // N(0, 1) the first Diginetica epoch ended at training loss 10.33, with this at 9.47
    // (docs/BENCHMARKS.md has the runs; neither is tuned yet).
    torch::NoGradGuard no_grad;
    const double bound = std::sqrt(6.0 / static_cast<double>(items + c.embedding));
    item_emb->weight.uniform_(-bound, bound);
    item_emb->weight[0].zero_();
  }

  // Right-padded items [B, L] (0 = padding after the sequence) -> the decoder's query
  // B [h_t; c_l] for every position t, [B, L, embedding].
  torch::Tensor forward(const torch::Tensor& items) {
    const torch::Tensor e = torch::dropout(item_emb(items), drop_embed, is_training());
    const torch::Tensor h = std::get<0>(gru(e));                 // [B, L, H]
    const torch::Tensor q = a1(h).unsqueeze(2);                  // [B, L, 1, H] (query t)
    const torch::Tensor k = a2(h).unsqueeze(1);                  // [B, 1, L, H] (key j)
    torch::Tensor alpha = v(torch::sigmoid(q + k)).squeeze(-1);  // [B, L, L]
    const int64_t len = items.size(1);
    const torch::Tensor causal = torch::ones({len, len}, torch::kBool).tril();
    const torch::Tensor real = (items != 0).unsqueeze(1);  // [B, 1, L] key j is an item
    alpha = alpha.masked_fill(~(causal.unsqueeze(0) & real), 0.0);
    const torch::Tensor local = torch::bmm(alpha, h);  // [B, L, H]
    const torch::Tensor c = torch::cat({h, local}, -1);
    return b(torch::dropout(c, drop_out, is_training()));
  }

  // One GRU step of `item` from `h` [1, H] -> the new hidden state [1, H].
  torch::Tensor step(int64_t item, const torch::Tensor& h) {
    const torch::Tensor e = item_emb(torch::tensor({item}, torch::kLong)).view({1, 1, -1});
    return std::get<1>(gru(e, h.view({1, 1, -1}))).view({1, -1});
  }

  // The decoder query from the session's hidden states [n, H] (oldest first); `alpha_out`, when
  // given, receives the attention weights [n].
  torch::Tensor query(const torch::Tensor& states, torch::Tensor* alpha_out = nullptr) {
    const torch::Tensor last = states[states.size(0) - 1].unsqueeze(0);                // [1, H]
    const torch::Tensor alpha = v(torch::sigmoid(a1(last) + a2(states))).squeeze(-1);  // [n]
    if (alpha_out != nullptr) *alpha_out = alpha;
    const torch::Tensor local = torch::mv(states.t(), alpha).unsqueeze(0);  // [1, H]
    return b(torch::cat({last, local}, -1)).view({-1});                     // [embedding]
  }

  torch::nn::Embedding item_emb;
  torch::nn::GRU gru;
  torch::nn::Linear a1, a2, v, b;
  double drop_embed, drop_out;
};
TORCH_MODULE(NarmNet);

struct NarmState : SessionState {
  torch::Tensor states;  // [n, H] hidden states after each known item (undefined: none yet)
  std::vector<uint32_t> positions;  // the session index of each row
  size_t bytes() const override {
    return SessionState::bytes() + sizeof(*this) - sizeof(SessionState) +
           (states.defined() ? states.nbytes() + 512 : 0) + positions.capacity() * sizeof(uint32_t);
  }
};

class Narm final : public SessionModel, public Trainable {
 public:
  explicit Narm(NarmConfig c) : cfg_(std::move(c)) {}

  std::string name() const override { return "narm"; }
  void set_run_options(const RunOptions& run) override { run_ = run; }

  void fit(const Dataset& data, const SessionSet& train) override {
    set_compute_threads(1);
    configure_allocator(StepShapes::kVarying);
    seed_torch(cfg_.train.seed);
    rng_ = Rng(cfg_.train.seed);
    if (warm_) {  // continue from the loaded (grown) weights and optimiser state
      KAIROS_CHECK(num_items_ == data.num_items(),
                   "narm: warm start grown to {} items, the data has {}", num_items_,
                   data.num_items());
    } else {
      build(data.num_items());
      adam_.clear();
    }
    const bool validate = cfg_.train.validate && !data.valid().empty();
    train_ = validate ? data.train() : train;
    sequences_ = training_sequences(train_, cfg_.max_len, &events_);
    KAIROS_CHECK(!sequences_.empty(), "narm: no training sequence has two events");
    optimizer_ = std::make_unique<torch::optim::Adam>(
        net_->parameters(),
        torch::optim::AdamOptions(cfg_.learning_rate).weight_decay(cfg_.weight_decay));
    if (!adam_.empty()) set_adam_state(*optimizer_, named(), adam_);
    dp_ = open_data_parallel(run_);
    if (dp_) dp_->broadcast(net_->parameters());  // every replica starts from rank 0's weights
    TrainOptions o = cfg_.train.options(name(), run_);
    o.validate = validate;
    spdlog::info("narm: {} training sequences, {} targets, {} items; {}", sequences_.size(),
                 events_, num_items_, compute_description(run_.threads));
    summary_ = run_training(*this, data, o);
    net_->eval();
    train_ = SessionSet();
    adam_ = adam_state(*optimizer_, named());  // saved in model.pt for a later warm start
    optimizer_.reset();
    dp_.reset();
    best_.clear();
  }

  // ---- Trainable ----
  const SessionModel& model() const override { return *this; }
  uint64_t events_per_epoch() const override { return events_; }

  void begin_epoch(int, double lr_factor) override {
    threads_.emplace(run_.threads);
    net_->train();
    set_adam_lr(*optimizer_, cfg_.learning_rate * lr_factor);
    order_ = sequences_;
    for (size_t i = order_.size(); i > 1; --i) std::swap(order_[i - 1], order_[rng_.below(i)]);
    next_ = 0;
  }

  // A batch of sequences, right-padded: inputs x[:-1], targets x[1:] (the last max_len + 1
  // events of each); the summed cross-entropy over their targets, gradients of its mean.
  // Data-parallel: this rank's part of the batch (a last batch smaller than the world is dropped).
  bool forward_backward(EpochProgress* progress) override {
    if (next_ >= order_.size()) return false;
    const size_t end = std::min(order_.size(), next_ + static_cast<size_t>(cfg_.batch_size));
    const RankSlice part = rank_slice(dp_.get(), next_, end);
    next_ = end;
    if (part.skip) return false;
    const SequenceWindows w = sequence_windows(
        train_, std::span<const uint32_t>(order_).subspan(part.lo, part.hi - part.lo),
        cfg_.max_len);
    const torch::Tensor input = torch::tensor(w.input).view({w.rows, w.cols});
    const torch::Tensor target = torch::tensor(w.target);
    const torch::Tensor q = net_->forward(input).reshape({-1, cfg_.embedding});
    const torch::Tensor valid = (target != 0).nonzero().reshape({-1});
    const torch::Tensor tv = target.index_select(0, valid);
    const torch::Tensor loss =
        softmax_cross_entropy(torch::mm(q.index_select(0, valid), net_->item_emb->weight.t()), tv);
    progress->loss_sum += loss.item<double>();
    progress->events += static_cast<uint64_t>(tv.size(0));
    step_targets_ = tv.size(0);
    optimizer_->zero_grad();
    (loss / static_cast<double>(std::max<int64_t>(tv.size(0), 1))).backward();
    return true;
  }

  void apply_update() override {
    if (dp_) {
      average_gradients(*dp_, net_->parameters(), net_->item_emb->weight, step_targets_);
    }
    if (cfg_.clip_norm > 0) torch::nn::utils::clip_grad_norm_(net_->parameters(), cfg_.clip_norm);
    optimizer_->step();
    torch::NoGradGuard no_grad;
    net_->item_emb->weight[0].zero_();  // padding stays zero
  }

  void end_epoch() override {
    net_->eval();
    threads_.reset();
  }

  void keep_best() override { best_ = snapshot(net_->parameters()); }
  void restore_best() override { restore(net_->parameters(), best_); }

  // ---- scoring: one GRU step per event, attention over the kept hidden states ----
  void score(const SessionQuery& q, std::span<float> scores) const override {
    auto s = start();
    for (size_t i = 0; i < q.items.size(); ++i) observe(*s, q.items[i], 0, 0);
    score(*s, scores);
  }
  std::unique_ptr<SessionState> start() const override { return std::make_unique<NarmState>(); }
  void observe(SessionState& state, uint32_t item, uint8_t type, int64_t ts_ms) const override {
    SessionModel::observe(state, item, type, ts_ms);
    if (item == 0 || item >= num_items_) return;  // unknown items leave the state as it is
    auto& s = static_cast<NarmState&>(state);
    torch::NoGradGuard no_grad;
    const torch::Tensor prev = s.states.defined() ? s.states[s.states.size(0) - 1].unsqueeze(0)
                                                  : torch::zeros({1, cfg_.hidden});
    const torch::Tensor h = net_.ptr()->step(item, prev);
    s.states = s.states.defined() ? torch::cat({s.states, h}, 0) : h;
    s.positions.push_back(static_cast<uint32_t>(s.items.size() - 1));
  }
  void score(const SessionState& state, std::span<float> scores) const override {
    KAIROS_ASSERT(scores.size() == num_items_);
    const auto& s = static_cast<const NarmState&>(state);
    torch::Tensor out = torch::from_blob(scores.data(), {static_cast<int64_t>(num_items_)});
    if (!s.states.defined()) {
      out.zero_();
    } else {
      torch::NoGradGuard no_grad;
      torch::mv_out(out, net_->item_emb->weight, net_.ptr()->query(s.states));
    }
    scores[0] = -std::numeric_limits<float>::infinity();
  }
  bool incremental() const override { return true; }
  std::unique_ptr<SessionState> clone_state(const SessionState& state) const override {
    const auto& s = static_cast<const NarmState&>(state);
    auto c = std::make_unique<NarmState>();
    c->items = s.items;
    c->types = s.types;
    c->ts_ms = s.ts_ms;
    c->positions = s.positions;
    if (s.states.defined()) c->states = s.states.clone();
    return c;
  }

  // ---- retrieval: scores are <B [h_t; c_l], item embedding row> ----
  std::vector<float> item_vectors(uint32_t& dim) const override {
    dim = static_cast<uint32_t>(cfg_.embedding);
    torch::NoGradGuard no_grad;
    const torch::Tensor e = net_->item_emb->weight.contiguous();
    return {e.data_ptr<float>(), e.data_ptr<float>() + e.numel()};
  }
  std::vector<float> query_vector(const SessionState& state) const override {
    const auto& s = static_cast<const NarmState&>(state);
    if (!s.states.defined()) return std::vector<float>(cfg_.embedding, 0.0f);
    torch::NoGradGuard no_grad;
    const torch::Tensor q = net_.ptr()->query(s.states).contiguous();
    return {q.data_ptr<float>(), q.data_ptr<float>() + q.numel()};
  }

  // The local encoder's attention: each past event's share of the attention weights (the same
  // for every recommended item).
  std::vector<EventAttribution> explain(const SessionState& state, uint32_t, uint32_t,
                                        size_t max_events) const override {
    const auto& s = static_cast<const NarmState&>(state);
    if (!s.states.defined()) return {};
    torch::NoGradGuard no_grad;
    torch::Tensor alpha;
    net_.ptr()->query(s.states, &alpha);
    alpha = alpha.abs().contiguous();
    const size_t n = s.positions.size(), first = n > max_events ? n - max_events : 0;
    const std::vector<size_t> positions(s.positions.begin() + first, s.positions.end());
    const std::vector<float> weights(alpha.data_ptr<float>() + first, alpha.data_ptr<float>() + n);
    return attention_shares(positions, s.items, weights);
  }

  // ---- artifacts ----
  nlohmann::json hparams() const override { return cfg_.to_json(); }
  nlohmann::json training_report() const override { return to_json(summary_); }
  // model.pt holds the weights and Adam's state (what a warm start resumes).
  void save_weights(const std::string& path) const override {
    NamedTensors t = named();
    t.insert(t.end(), adam_.begin(), adam_.end());
    save_tensors(t, path);
  }
  void load_weights(const std::string& path, uint32_t num_items) override {
    build(num_items);
    load_tensors(named(), path);
    adam_ = empty_adam_state(named());
    if (!load_tensors_if_present(adam_, path)) adam_.clear();
    net_->eval();
  }

  // Warm start: the loaded weights grown to `num_items` (new items at their category's mean) and
  // the Adam state with them; fit() then continues from both.
  void grow_items(uint32_t num_items, std::span<const uint32_t> item_category) override {
    adam_ = grow_model(
        name(), num_items_, num_items, item_category, adam_, [&] { return named(); },
        [&] { return named(); }, [&] { build(num_items); });
    warm_ = true;
    net_->eval();
  }

 private:
  void build(uint32_t num_items) {
    KAIROS_CHECK(num_items >= 2, "narm: the catalogue is empty");
    num_items_ = num_items;
    net_ = NarmNet(num_items, cfg_);
  }
  NamedTensors named() const { return named_tensors(*net_); }

  NarmConfig cfg_;
  RunOptions run_;
  bool warm_ = false;  // fit() continues from the current weights (grow_items)
  NamedTensors adam_;  // Adam's state after the last fit / from model.pt (empty: none)
  std::unique_ptr<DataParallel> dp_;  // data-parallel training (fit() only; null: one process)
  int64_t step_targets_ = 0;          // targets of this rank's part of the current batch
  uint32_t num_items_ = 0;
  NarmNet net_{nullptr};
  std::unique_ptr<torch::optim::Adam> optimizer_;
  SessionSet train_;
  std::vector<uint32_t> sequences_;
  uint64_t events_ = 0;
  Rng rng_{42};
  // The epoch in progress: its threads, its sequence order and the next batch's start.
  std::optional<TrainingThreads> threads_;
  std::vector<uint32_t> order_;
  size_t next_ = 0;
  std::vector<torch::Tensor> best_;
  TrainSummary summary_;
};

}  // namespace

std::unique_ptr<SessionModel> make_narm(const nlohmann::json& hparams) {
  return std::make_unique<Narm>(NarmConfig::from_json(hparams));
}

}  // namespace kairos
