// GRU4Rec (Hidasi et al., ICLR 2016; Hidasi & Karatzoglou, CIKM 2018) as the official
// implementation trains it (Hidasi & Czapp, RecSys 2023): session-parallel mini-batches with the
// hidden state reset at session boundaries and one-step truncated back-propagation; GRU or LSTM
// layers; one-hot, embedding or constrained (tied output) input; dropout on input and hidden;
// scores over the mini-batch's targets plus `n_sample` shared popularity^alpha negatives;
// cross-entropy with logQ correction or BPR-max; Adagrad with momentum, with sparse row updates
// of the item tables. docs/models.md lists the differences from the reference.
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <tuple>

#include "core/error.h"
#include "core/parallel.h"
#include "core/rng.h"
#include "features/negative_sampler.h"
#include "features/session_parallel.h"
#include "models/deep/adagrad_m.h"
#include "models/deep/data_parallel.h"
#include "models/deep/deep_models.h"
#include "models/deep/gru4rec_config.h"
#include "models/deep/gru_layer_step.h"
#include "models/deep/gru_step.h"
#include "models/deep/losses.h"
#include "models/deep/recurrent_layer.h"
#include "models/deep/tensor_io.h"
#include "models/deep/torch_runtime.h"
#include "train/trainer.h"

namespace kairos {
namespace {

struct Gru4RecState : SessionState {
  std::vector<torch::Tensor> hidden;  // per layer [1, state_size]
  size_t bytes() const override {
    size_t n = SessionState::bytes() + sizeof(*this) - sizeof(SessionState);
    for (const auto& h : hidden) n += h.defined() ? h.nbytes() + 512 /* tensor impl */ : 0;
    return n;
  }
};

torch::Tensor index_tensor(const std::vector<int64_t>& v) {
  return torch::from_blob(const_cast<int64_t*>(v.data()), {static_cast<int64_t>(v.size())},
                          torch::kLong)
      .clone();
}

// table.index_select(0, index) with the rows split over the threads: the rows are scattered over
// a table larger than the caches, so one thread waits on memory.
torch::Tensor gather_rows(const torch::Tensor& table, const torch::Tensor& index, int threads) {
  const int64_t n = index.size(0);
  if (!table.is_cpu() || threads <= 1 || n < 256) return table.index_select(0, index);
  torch::Tensor out = torch::empty({n, table.size(1)}, table.options());
  parallel_for(static_cast<size_t>(n), threads, static_cast<size_t>((n + threads - 1) / threads),
               [&](size_t b, size_t e, int) {
                 torch::NoGradGuard no_grad;
                 const auto first = static_cast<int64_t>(b), rows = static_cast<int64_t>(e - b);
                 torch::Tensor part = out.narrow(0, first, rows);
                 torch::index_select_out(part, table, 0, index.narrow(0, first, rows));
               });
  return out;
}

class Gru4Rec final : public SessionModel, public Trainable {
 public:
  explicit Gru4Rec(Gru4RecConfig c) : cfg_(std::move(c)) {}

  std::string name() const override { return cfg_.cell == "lstm" ? "gru4rec-lstm" : "gru4rec"; }

  void fit(const Dataset& data, const SessionSet& train) override {
    set_compute_threads(1);  // validation: the evaluator's threads, one each
    configure_allocator(StepShapes::kFixed);
    seed_torch(cfg_.train.seed);
    rng_ = Rng(cfg_.train.seed);
    dropout_rng_ = Rng::derive(cfg_.train.seed, 0xD40u);
    if (warm_) {  // continue from the loaded (grown) weights and optimiser state
      KAIROS_CHECK(num_items_ == data.num_items(),
                   "gru4rec: warm start grown to {} items, the data has {}", num_items_,
                   data.num_items());
      opt_.set_threads(run_.threads);
    } else {
      build(data.num_items());
    }
    dp_ = open_data_parallel(run_);
    if (dp_) dp_->broadcast(weights());  // every replica starts from rank 0's weights
    const bool validate = cfg_.train.validate && !data.valid().empty();
    train_ = validate ? data.train() : train;
    const std::vector<uint64_t> counts = item_counts(train_, num_items_);
    sampler_ = NegativeSampler(counts, cfg_.sample_alpha);
    log_pop_ = torch::tensor(log_counts(counts));
    events_per_epoch_ = 0;
    for (size_t s = 0; s < train_.size(); ++s) {
      if (train_[s].size() >= 2) events_per_epoch_ += train_[s].size() - 1;
    }
    TrainOptions o = cfg_.train.options(name(), run_);
    o.validate = validate;
    spdlog::info("{}: {} training events, {} items; {}", name(), events_per_epoch_, num_items_,
                 compute_description(run_.threads));
    summary_ = run_training(*this, data, o);
    dp_.reset();
    train_ = SessionSet();
    best_.clear();
  }

  void set_run_options(const RunOptions& run) override { run_ = run; }

  // ---- Trainable ----
  const SessionModel& model() const override { return *this; }
  uint64_t events_per_epoch() const override { return events_per_epoch_; }

  void begin_epoch(int, double lr_factor) override {
    // The fused cross-entropy step splits its large products over the threads itself; the
    // autograd path (BPR-max) lets OpenBLAS use them.
    threads_.emplace(fused_loss() ? 1 : run_.threads);
    lr_factor_ = lr_factor;
    std::vector<uint32_t> order(train_.size());
    std::iota(order.begin(), order.end(), 0u);
    if (cfg_.shuffle) {
      for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng_.below(i)]);
    }
    // Data-parallel: rank r takes every W-th session of the (identically shuffled) order and
    // runs batch_size / W lanes, so the replicas together step through batch_size lanes.
    int lanes = cfg_.batch_size;
    if (dp_) {
      const int w = dp_->world_size(), r = dp_->rank();
      std::vector<uint32_t> shard;
      for (size_t i = static_cast<size_t>(r); i < order.size(); i += static_cast<size_t>(w))
        shard.push_back(order[i]);
      order = std::move(shard);
      lanes = std::max(1, (cfg_.batch_size + w - 1) / w);
    }
    batches_.emplace(train_, std::move(order), lanes);
    hidden_.clear();
    for (const auto& l : layers_) hidden_.push_back(torch::zeros({lanes, l.state_size()}));
    negatives_.assign(cfg_.n_sample, 0);
  }

  bool forward_backward(EpochProgress* progress) override {
    SessionParallelBatches& batches = *batches_;
    const bool has_batch = batches.next();
    // Every replica steps together: the epoch ends when any shard runs out.
    if (dp_ && dp_->all_min(has_batch ? 1 : 0) == 0) return false;
    if (!has_batch) return false;
    const int lanes = batches.lanes();
    if (hidden_[0].size(0) != lanes) {
      for (auto& h : hidden_) h = h.narrow(0, 0, lanes).contiguous();
    }
    std::vector<int64_t> reset_rows;
    for (int i = 0; i < lanes; ++i) {
      if (batches.reset()[i]) reset_rows.push_back(i);
    }
    if (!reset_rows.empty()) {
      const torch::Tensor rows = index_tensor(reset_rows);
      for (auto& h : hidden_) h.index_fill_(0, rows, 0.0);
    }
    sampler_.sample(rng_, negatives_);
    progress->loss_sum += gradients(index_tensor(batches.input()), index_tensor(batches.target()),
                                    index_tensor(negatives_), hidden_);
    progress->events += lanes;
    return true;
  }

  // Dense parameters from their .grad(); the item tables' touched rows from pending_.
  void apply_update() override {
    if (dp_) synchronise_gradients();
    opt_.step_dense(lr_factor_);
    opt_.step_rows(wy_handle_, pending_.out_index, pending_.out_rows, lr_factor_);
    opt_.step_rows(by_handle_, pending_.y, pending_.bias, lr_factor_);
    if (pending_.emb.defined())
      opt_.step_rows(emb_handle_, pending_.input, pending_.emb, lr_factor_);
    pending_ = {};
  }

  // Data-parallel: the losses are sums over lanes, so the replicas' gradients are summed: dense
  // ones in one all-reduce, the item tables' touched rows gathered from every rank (the row
  // update sums repeats).
  void synchronise_gradients() {
    std::vector<torch::Tensor> dense;
    for (auto& L : layers_) {
      for (auto* t : {&L.w_ih, &L.w_hh, &L.b_ih, &L.b_hh}) {
        if (!t->defined()) continue;
        if (!t->grad().defined()) t->mutable_grad() = torch::zeros_like(*t);
        dense.push_back(t->grad());
      }
    }
    dp_->all_reduce_sum(dense);
    auto gather = [&](torch::Tensor& rows, torch::Tensor& values) {
      if (!rows.defined() || !values.defined()) return;
      std::tie(rows, values) = dp_->all_gather_rows(rows, values.reshape({rows.size(0), -1}));
    };
    gather(pending_.out_index, pending_.out_rows);
    gather(pending_.y, pending_.bias);
    gather(pending_.input, pending_.emb);
  }

  void end_epoch() override {
    batches_.reset();
    hidden_.clear();
    threads_.reset();
  }

  void keep_best() override { best_ = snapshot(weights()); }
  void restore_best() override { restore(weights(), best_); }

  // ---- scoring ----
  void score(const SessionQuery& q, std::span<float> scores) const override {
    torch::NoGradGuard no_grad;
    std::vector<torch::Tensor> hidden = zero_state();
    for (uint32_t item : q.items) step(item, hidden);
    write_scores(hidden, scores);
  }

  std::unique_ptr<SessionState> start() const override {
    auto s = std::make_unique<Gru4RecState>();
    s->hidden = zero_state();
    return s;
  }
  void observe(SessionState& state, uint32_t item, uint8_t type, int64_t ts_ms) const override {
    SessionModel::observe(state, item, type, ts_ms);
    torch::NoGradGuard no_grad;
    step(item, static_cast<Gru4RecState&>(state).hidden);
  }
  void score(const SessionState& state, std::span<float> scores) const override {
    torch::NoGradGuard no_grad;
    write_scores(static_cast<const Gru4RecState&>(state).hidden, scores);
  }
  bool incremental() const override { return true; }
  // All rows in one product: [B x H] hidden outputs times Wy^T, plus By (addmm, OpenBLAS sgemm).
  void score_batch(std::span<const SessionState* const> states,
                   std::span<float> scores) const override {
    const auto rows = static_cast<int64_t>(states.size());
    KAIROS_CHECK_USAGE(rows > 0 && scores.size() == static_cast<size_t>(rows) * num_items_,
                       "score_batch: {} scores for {} states of {} items", scores.size(), rows,
                       num_items_);
    torch::NoGradGuard no_grad;
    std::vector<torch::Tensor> h;
    h.reserve(states.size());
    for (const SessionState* s : states) {
      h.push_back(layers_.back().output(static_cast<const Gru4RecState*>(s)->hidden.back()));
    }
    torch::Tensor out = torch::from_blob(scores.data(), {rows, static_cast<int64_t>(num_items_)});
    torch::addmm_out(out, by_.reshape({1, -1}), torch::cat(h, 0).reshape({rows, -1}), wy_.t());
    for (int64_t b = 0; b < rows; ++b) {
      scores[static_cast<size_t>(b) * num_items_] = -std::numeric_limits<float>::infinity();
    }
  }
  std::unique_ptr<SessionState> clone_state(const SessionState& state) const override {
    const auto& s = static_cast<const Gru4RecState&>(state);
    auto c = std::make_unique<Gru4RecState>();
    c->items = s.items;
    c->types = s.types;
    c->ts_ms = s.ts_ms;
    for (const auto& h : s.hidden) c->hidden.push_back(h.clone());
    return c;
  }

  // ---- retrieval: scores are <[h, 1], [Wy row, By row]> ----
  std::vector<float> item_vectors(uint32_t& dim) const override {
    dim = static_cast<uint32_t>(wy_.size(1) + 1);
    const torch::Tensor rows = torch::cat({wy_, by_}, 1).contiguous();
    return {rows.data_ptr<float>(), rows.data_ptr<float>() + rows.numel()};
  }
  std::vector<float> query_vector(const SessionState& state) const override {
    torch::NoGradGuard no_grad;
    const auto& hidden = static_cast<const Gru4RecState&>(state).hidden;
    const torch::Tensor h = layers_.back().output(hidden.back()).reshape({-1}).contiguous();
    std::vector<float> q(h.data_ptr<float>(), h.data_ptr<float>() + h.numel());
    q.push_back(1.0f);
    return q;
  }

  // ---- artifacts ----
  nlohmann::json hparams() const override { return cfg_.to_json(); }
  nlohmann::json training_report() const override { return to_json(summary_); }
  // model.pt holds the weights and the optimiser state (what a warm start resumes).
  void save_weights(const std::string& path) const override {
    NamedTensors t = parameters();
    for (auto& s : opt_.state()) t.push_back(std::move(s));
    save_tensors(t, path);
  }
  void load_weights(const std::string& path, uint32_t num_items) override {
    build(num_items);
    load_tensors(parameters(), path);
    optimiser_loaded_ = load_tensors_if_present(opt_.state(), path);
  }

  void grow_items(uint32_t num_items, std::span<const uint32_t> item_category) override {
    KAIROS_CHECK_USAGE(num_items_ > 0, "gru4rec: grow_items() needs loaded weights");
    KAIROS_CHECK(num_items >= num_items_, "gru4rec: cannot shrink {} items to {}", num_items_,
                 num_items);
    NamedTensors old = parameters();
    for (auto& s : opt_.state()) old.push_back(std::move(s));
    for (auto& [name, t] : old) t = t.clone();
    const int64_t first_new = num_items_;
    build(num_items);
    NamedTensors now = parameters();
    for (auto& s : opt_.state()) now.push_back(std::move(s));
    for (size_t i = 0; i < now.size(); ++i) copy_leading_rows(old[i].second, now[i].second);
    for (torch::Tensor* table : {&wy_, &by_, &emb_}) {
      if (table->defined()) init_rows_from_category_mean(*table, first_new, item_category);
    }
    warm_ = true;
    spdlog::info("gru4rec: warm start from {} items grown to {}{}", first_new, num_items,
                 optimiser_loaded_ ? "" : " (the artifact has no optimiser state: it starts anew)");
  }

 private:
  bool fused_loss() const { return cfg_.loss == "cross-entropy" && cfg_.fused_loss; }
  bool hand_written_gru() const { return fused_loss() && cfg_.cell == "gru"; }
  bool one_hot() const { return !cfg_.constrained_embedding && cfg_.embedding == 0; }

  void build(uint32_t num_items) {
    KAIROS_CHECK(num_items >= 2, "gru4rec: the catalogue is empty");
    num_items_ = num_items;
    const bool lstm = cfg_.cell == "lstm";
    const int64_t n = num_items, out = cfg_.layers.back();
    layers_.clear();
    // The official code divides the loss by the batch size and adds eps = 1e-6 inside Adagrad's
    // root; on the summed gradients here that is eps = 1e-6 * batch_size^2.
    const double b = static_cast<double>(cfg_.batch_size);
    opt_ = AdagradM(cfg_.learning_rate, cfg_.momentum, 1e-6 * b * b);
    opt_.set_threads(run_.threads);
    int64_t input = 0;
    if (cfg_.constrained_embedding) {
      input = out;
    } else if (cfg_.embedding > 0) {
      input = cfg_.embedding;
      emb_ = glorot_uniform_gates(1, n, cfg_.embedding);
      emb_handle_ = opt_.add_sparse(emb_);
    } else {
      const int64_t g = (lstm ? 4 : 3) * cfg_.layers[0];
      emb_ =
          glorot_uniform_gates(1, n, g);  // one-hot input: rows are the first layer's projections
      emb_handle_ = opt_.add_sparse(emb_);
    }
    for (size_t l = 0; l < cfg_.layers.size(); ++l) {
      const int64_t in = l == 0 ? (one_hot() ? 0 : input) : cfg_.layers[l - 1];
      layers_.emplace_back(lstm, in, cfg_.layers[l]);
      auto& L = layers_.back();
      for (auto* t : {&L.w_ih, &L.w_hh, &L.b_ih, &L.b_hh}) {
        if (t->defined()) opt_.add_dense(*t);
      }
    }
    wy_ = glorot_uniform_gates(1, n, out);
    by_ = torch::zeros({n, 1});
    wy_handle_ = opt_.add_sparse(wy_);
    by_handle_ = opt_.add_sparse(by_);
  }

  NamedTensors parameters() const {
    NamedTensors p = {{"Wy", wy_}, {"By", by_}};
    if (emb_.defined()) p.emplace_back("E", emb_);
    for (size_t l = 0; l < layers_.size(); ++l) {
      const auto& L = layers_[l];
      if (L.w_ih.defined()) p.emplace_back(fmt::format("layer{}.w_ih", l), L.w_ih);
      p.emplace_back(fmt::format("layer{}.w_hh", l), L.w_hh);
      p.emplace_back(fmt::format("layer{}.b_ih", l), L.b_ih);
      p.emplace_back(fmt::format("layer{}.b_hh", l), L.b_hh);
    }
    return p;
  }

  std::vector<torch::Tensor> weights() const {
    std::vector<torch::Tensor> w;
    for (const auto& [name, t] : parameters()) w.push_back(t);
    return w;
  }

  std::vector<torch::Tensor> zero_state() const {
    std::vector<torch::Tensor> h;
    for (const auto& l : layers_) h.push_back(torch::zeros({1, l.state_size()}));
    return h;
  }

  // Input dropout: on a one-hot input, dropping the single active unit drops the whole row.
  torch::Tensor input_dropout(const torch::Tensor& x, bool training) {
    if (!training || cfg_.dropout_p_embed <= 0) return x;
    const std::vector<int64_t> shape = {x.size(0), one_hot() ? 1 : x.size(1)};
    return x * dropout_noise(shape, cfg_.dropout_p_embed, dropout_rng_, x.options());
  }

  // Layers over an input batch `x` (rows of Wy, E, or the one-hot projection table); updates
  // `hidden` and returns the last layer's output.
  torch::Tensor forward(torch::Tensor x, std::vector<torch::Tensor>& hidden, bool training) const {
    for (size_t l = 0; l < layers_.size(); ++l) {
      const RecurrentLayer& L = layers_[l];
      const torch::Tensor gi = (l == 0 && one_hot()) ? x + L.b_ih : L.project(x);
      const torch::Tensor state = L.step(gi, hidden[l]);
      torch::Tensor h = L.output(state);
      if (training && cfg_.dropout_p_hidden > 0)
        h = h * dropout_noise(h.sizes(), cfg_.dropout_p_hidden, dropout_rng_, h.options());
      hidden[l] = L.with_output(state, h);
      x = h;
    }
    return x;
  }

  const torch::Tensor& input_table() const { return cfg_.constrained_embedding ? wy_ : emb_; }

  // One recurrent step for `item` (unknown items are skipped). GRU layers on the CPU take the
  // plain-float path (models/deep/gru_step.h: one sgemv per matrix, no LibTorch dispatch); LSTM
  // layers and other devices go through forward().
  void step(uint32_t item, std::vector<torch::Tensor>& hidden) const {
    if (item == 0 || item >= num_items_) return;
    if (plain_float_step()) return step_plain(item, hidden);
    const torch::Tensor x = input_table().narrow(0, item, 1);
    forward(x, hidden, false);
  }

  bool plain_float_step() const {
    if (cfg_.cell != "gru") return false;
    const torch::Tensor& table = input_table();
    if (!table.device().is_cpu() || table.scalar_type() != torch::kFloat || !table.is_contiguous())
      return false;
    for (const auto& L : layers_) {
      for (const auto* t : {&L.w_ih, &L.w_hh, &L.b_ih, &L.b_hh}) {
        if (t->defined() &&
            (!t->device().is_cpu() || t->scalar_type() != torch::kFloat || !t->is_contiguous()))
          return false;
      }
    }
    return true;
  }

  // forward(x, hidden, false) for one item, on plain floats: same equations as RecurrentLayer.
  void step_plain(uint32_t item, std::vector<torch::Tensor>& hidden) const {
    thread_local std::vector<float> gi, scratch, x;
    const torch::Tensor& table = input_table();
    const int64_t width = table.size(1);
    const float* row = table.data_ptr<float>() + static_cast<int64_t>(item) * width;
    x.assign(row, row + width);
    for (size_t l = 0; l < layers_.size(); ++l) {
      const RecurrentLayer& L = layers_[l];
      const int64_t H = L.hidden();
      gi.resize(static_cast<size_t>(3 * H));
      scratch.resize(static_cast<size_t>(3 * H));
      if (l == 0 && one_hot()) {
        const float* b = L.b_ih.data_ptr<float>();
        for (int64_t j = 0; j < 3 * H; ++j) gi[j] = x[j] + b[j];
      } else {
        matvec_bias(L.w_ih.data_ptr<float>(), L.b_ih.data_ptr<float>(), x.data(), 3 * H,
                    L.w_ih.size(1), gi.data());
      }
      if (!hidden[l].is_contiguous()) hidden[l] = hidden[l].contiguous();
      float* h = hidden[l].data_ptr<float>();
      gru_step_one(gi.data(), L.w_hh.data_ptr<float>(), L.b_hh.data_ptr<float>(), H, h,
                   scratch.data());
      x.assign(h, h + H);
    }
  }

  void write_scores(const std::vector<torch::Tensor>& hidden, std::span<float> scores) const {
    KAIROS_ASSERT(scores.size() == num_items_);
    const torch::Tensor h = layers_.back().output(hidden.back()).reshape({-1});
    torch::Tensor out = torch::from_blob(scores.data(), {static_cast<int64_t>(num_items_)});
    torch::addmv_out(out, by_.reshape({-1}), wy_, h);
    scores[0] = -std::numeric_limits<float>::infinity();
  }

  // Column offsets of the [B, C] scores: the output bias, minus the logQ correction
  // (cross-entropy) folded into the same row vector so the scores are one fused addmm.
  torch::Tensor column_offset(const torch::Tensor& bias, const torch::Tensor& y,
                              int64_t lanes) const {
    torch::Tensor offset = bias.reshape({1, -1});
    if (cfg_.loss == "cross-entropy" && cfg_.logq > 0) {
      torch::Tensor lp = log_pop_.index_select(0, y);
      if (cfg_.n_sample > 0) lp.narrow(0, lanes, cfg_.n_sample).mul_(cfg_.sample_alpha);
      offset = offset - cfg_.logq * lp.unsqueeze(0);
    }
    return offset;
  }

  // The loss of one session-parallel step and its gradients: the dense parameters' in .grad(),
  // the touched rows of the item tables in pending_ (applied by apply_update()).
  double gradients(const torch::Tensor& input, const torch::Tensor& target,
                   const torch::Tensor& negatives, std::vector<torch::Tensor>& hidden) {
    const int64_t lanes = input.size(0);
    const torch::Tensor y = cfg_.n_sample > 0 ? torch::cat({target, negatives}) : target;
    if (hand_written_gru()) return hand_written_gradients(input, y, hidden);
    torch::Tensor x, out_rows, rows_leaf, emb_leaf, out_index;
    if (cfg_.constrained_embedding) {
      out_index = torch::cat({input, y});
      rows_leaf = wy_.index_select(0, out_index).detach().requires_grad_();
      x = rows_leaf.narrow(0, 0, lanes);
      out_rows = rows_leaf.narrow(0, lanes, y.size(0));
    } else {
      out_index = y;
      rows_leaf = wy_.index_select(0, y).detach().requires_grad_();
      out_rows = rows_leaf;
      emb_leaf = emb_.index_select(0, input).detach().requires_grad_();
      x = emb_leaf;
    }
    const torch::Tensor bias_leaf = by_.index_select(0, y).detach().requires_grad_();
    x = input_dropout(x, true);
    const torch::Tensor h = forward(x, hidden, true);
    const torch::Tensor offset = column_offset(bias_leaf, y, lanes);
    if (fused_loss()) {
      return fused_cross_entropy_gradients(h, offset, out_rows, rows_leaf, emb_leaf, input, y,
                                           out_index, hidden);
    }
    torch::Tensor r = torch::addmm(offset, h, out_rows.t());
    const torch::Tensor diag = diagonal_targets(lanes, r.options());
    torch::Tensor loss;
    if (cfg_.loss == "cross-entropy") {
      loss = softmax_cross_entropy(r, diag);
    } else {
      if (cfg_.elu_param > 0) r = torch::elu(r, cfg_.elu_param);
      loss = bpr_max(r, diag, cfg_.bpreg);
    }
    loss.backward();
    pending_ = {out_index, rows_leaf.grad(),
                y,         bias_leaf.grad(),
                input,     emb_leaf.defined() ? emb_leaf.grad() : torch::Tensor()};
    for (auto& hs : hidden) hs = hs.detach();
    return loss.item<double>();
  }

  // Cross-entropy with its gradient written out: with P = softmax(R) and targets on the diagonal,
  // dL/dR = P - I, so dL/dh = (P - I) O, dL/dO = (P - I)^T h, dL/db = column sums — the two GEMMs
  // autograd would run, without its log-softmax temporaries. Same result as the autograd path
  // (tested). Rows of P (lanes) in parallel: scores, softmax, dL/dh; then its columns (the
  // sampled items) in parallel: dL/dO. Each part is one single-threaded BLAS call.
  struct SoftmaxGradients {
    double loss = 0;
    torch::Tensor grad_h, grad_out, grad_bias;
  };
  // `grad_out` may name the [C, H] block to write dL/dO into (undefined: allocated).
  SoftmaxGradients softmax_gradients(const torch::Tensor& h, const torch::Tensor& offset,
                                     const torch::Tensor& out_rows,
                                     const torch::Tensor& grad_out = {}) const {
    torch::NoGradGuard no_grad;
    const torch::Tensor o = out_rows.detach(), hd = h.detach(), off = offset.detach();
    const int64_t lanes = hd.size(0), cols = o.size(0);
    SoftmaxGradients g;
    torch::Tensor p = torch::empty({lanes, cols}, hd.options());
    g.grad_h = torch::empty_like(hd);
    g.grad_out = grad_out.defined() ? grad_out : torch::empty({cols, hd.size(1)}, hd.options());
    g.grad_bias = torch::empty({cols, 1}, hd.options());
    const int parts = std::max(1, run_.threads);
    std::vector<double> part_loss(parts, 0.0);
    const auto part_size = [parts](int64_t n) {
      return static_cast<size_t>((n + parts - 1) / parts);
    };
    parallel_for(lanes, parts, part_size(lanes), [&](size_t r0, size_t r1, int t) {
      torch::NoGradGuard no_grad_here;
      const auto rows = static_cast<int64_t>(r1 - r0), first = static_cast<int64_t>(r0);
      torch::Tensor pr = p.narrow(0, first, rows);
      torch::addmm_out(pr, off, hd.narrow(0, first, rows), o.t());
      pr.sub_(std::get<0>(pr.max(1, true))).exp_();
      const torch::Tensor z = pr.sum(1, true);
      part_loss[t] +=
          (z.log().squeeze(1) - pr.diagonal(first).clamp_min(1e-24).log()).sum().item<double>();
      pr.div_(z);
      pr.diagonal(first).sub_(1.0);
      torch::Tensor gh = g.grad_h.narrow(0, first, rows);
      torch::mm_out(gh, pr, o);
    });
    parallel_for(cols, parts, part_size(cols), [&](size_t c0, size_t c1, int) {
      torch::NoGradGuard no_grad_here;
      const auto n = static_cast<int64_t>(c1 - c0), first = static_cast<int64_t>(c0);
      torch::Tensor go = g.grad_out.narrow(0, first, n);
      torch::mm_out(go, p.narrow(1, first, n).t(), hd);
      torch::Tensor gb = g.grad_bias.narrow(0, first, n).squeeze(1);
      torch::sum_out(gb, p.narrow(1, first, n), {0});
    });
    for (double l : part_loss) g.loss += l;
    return g;
  }

  // The cross-entropy step with autograd only through the recurrent layers (LSTM cells).
  double fused_cross_entropy_gradients(const torch::Tensor& h, const torch::Tensor& offset,
                                       const torch::Tensor& out_rows,
                                       const torch::Tensor& rows_leaf,
                                       const torch::Tensor& emb_leaf, const torch::Tensor& input,
                                       const torch::Tensor& y, const torch::Tensor& out_index,
                                       std::vector<torch::Tensor>& hidden) {
    const int64_t lanes = h.size(0), cols = y.size(0);
    const SoftmaxGradients g = softmax_gradients(h, offset, out_rows);
    h.backward(g.grad_h);
    torch::Tensor grad_rows = g.grad_out;
    if (cfg_.constrained_embedding) {
      grad_rows = rows_leaf.grad();
      grad_rows.narrow(0, lanes, cols).add_(g.grad_out);
    }
    pending_ = {out_index,   grad_rows, y,
                g.grad_bias, input,     emb_leaf.defined() ? emb_leaf.grad() : torch::Tensor()};
    for (auto& hs : hidden) hs = hs.detach();
    return g.loss;
  }

  // The cross-entropy step with no autograd at all (GRU cells): the layers' backward written
  // out (models/deep/gru_layer_step.h), both split over the training threads.
  double hand_written_gradients(const torch::Tensor& input, const torch::Tensor& y,
                                std::vector<torch::Tensor>& hidden) {
    torch::NoGradGuard no_grad;
    const int64_t lanes = input.size(0);
    const int threads = std::max(1, run_.threads);
    torch::Tensor out_index, out_rows, x;
    if (cfg_.constrained_embedding) {
      out_index = torch::cat({input, y});
      const torch::Tensor rows = gather_rows(wy_, out_index, threads);
      x = rows.narrow(0, 0, lanes);
      out_rows = rows.narrow(0, lanes, y.size(0));
    } else {
      out_index = y;
      out_rows = gather_rows(wy_, y, threads);
      x = emb_.index_select(0, input);
    }
    const torch::Tensor bias = by_.index_select(0, y);
    torch::Tensor in_noise;
    if (cfg_.dropout_p_embed > 0) {
      const std::vector<int64_t> shape = {lanes, one_hot() ? 1 : x.size(1)};
      in_noise = dropout_noise(shape, cfg_.dropout_p_embed, dropout_rng_, x.options());
      x = x * in_noise;
    }
    steps_.resize(layers_.size());
    for (size_t l = 0; l < layers_.size(); ++l) {
      torch::Tensor noise;
      if (cfg_.dropout_p_hidden > 0)
        noise = dropout_noise({lanes, layers_[l].hidden()}, cfg_.dropout_p_hidden, dropout_rng_,
                              x.options());
      x = steps_[l].forward(layers_[l], x, l == 0 && one_hot(), hidden[l], noise, threads);
      hidden[l] = x;
    }
    // Constrained: the input rows' gradients and the output rows' in one [B + C, H] block, in
    // the order of out_index.
    torch::Tensor grad_rows, grad_out;
    if (cfg_.constrained_embedding) {
      grad_rows = torch::empty({lanes + y.size(0), x.size(1)}, x.options());
      grad_out = grad_rows.narrow(0, lanes, y.size(0));
    }
    const SoftmaxGradients g =
        softmax_gradients(x, column_offset(bias, y, lanes), out_rows, grad_out);
    torch::Tensor dx = g.grad_h;
    for (size_t l = layers_.size(); l-- > 0;) dx = steps_[l].backward(layers_[l], dx, threads);
    if (cfg_.constrained_embedding) {
      torch::Tensor din = grad_rows.narrow(0, 0, lanes);
      if (in_noise.defined()) {
        torch::mul_out(din, dx, in_noise);
      } else {
        din.copy_(dx);
      }
      pending_ = {out_index, grad_rows, y, g.grad_bias, input, {}};
    } else {
      if (in_noise.defined()) dx = dx * in_noise;
      pending_ = {y, g.grad_out, y, g.grad_bias, input, dx};
    }
    return g.loss;
  }

  Gru4RecConfig cfg_;
  RunOptions run_;
  bool warm_ = false;                 // fit() continues from the current weights (grow_items)
  std::unique_ptr<DataParallel> dp_;  // data-parallel training (fit() only; null: one process)
  bool optimiser_loaded_ = false;     // load_weights() found optimiser state in model.pt
  uint32_t num_items_ = 0;
  std::vector<RecurrentLayer> layers_;
  torch::Tensor wy_, by_, emb_, log_pop_;
  AdagradM opt_{0.1, 0.0, 1e-6};
  int wy_handle_ = -1, by_handle_ = -1, emb_handle_ = -1;
  SessionSet train_;
  NegativeSampler sampler_;
  Rng rng_{42};
  // Dropout masks (forward() is const for inference; training draws from here).
  mutable Rng dropout_rng_{43};
  uint64_t events_per_epoch_ = 0;
  // The epoch in progress (begin_epoch .. end_epoch) and the update computed but not applied.
  std::optional<TrainingThreads> threads_;
  std::optional<SessionParallelBatches> batches_;
  std::vector<torch::Tensor> hidden_;
  std::vector<GruLayerStep> steps_;  // the hand-written GRU step's saved tensors, per layer
  std::vector<int64_t> negatives_;
  double lr_factor_ = 1;
  struct PendingRows {
    torch::Tensor out_index, out_rows;  // output (and tied input) table rows and their gradients
    torch::Tensor y, bias;              // output bias rows and their gradients
    torch::Tensor input, emb;           // separate input embedding rows and their gradients
  } pending_;
  std::vector<torch::Tensor> best_;
  TrainSummary summary_;
};

}  // namespace

std::unique_ptr<SessionModel> make_gru4rec(const nlohmann::json& hparams) {
  return std::make_unique<Gru4Rec>(Gru4RecConfig::from_json(hparams));
}

}  // namespace kairos
