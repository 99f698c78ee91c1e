// SVAE (Sachdeva, Manco, Ritacco & Pudi, WSDM 2019, "Sequential Variational Autoencoders for
// Collaborative Filtering"), Mult-VAE's sequential form, behind SessionModel: item embeddings
// feed a GRU; at every step its state goes through a tanh layer to a Gaussian latent interest
// vector z_t (mu, log sigma^2), which a tanh layer and a linear layer decode to a multinomial over
// the catalogue. Loss per step: the multinomial log-likelihood of the next `next_k` items (each
// weighted 1 / their count; the paper's `next_k` loss) plus beta * KL(q(z_t | x_<=t) || N(0, I)),
// beta annealed linearly from 0 to `beta_max` over `anneal_steps` updates; every prefix of a
// training sequence is trained at once (the GRU is causal), Adam, the shared Trainer. Serving
// keeps the GRU state (one step per event) and decodes z = mu; mu is the session's latent
// interest vector (/v1/predict's `latent`). Differences from the paper's code: batches of
// right-padded sequences instead of one user per batch, the KL term with log sigma^2 (the code
// reads its output as log sigma in the sample but as log sigma^2 in the KL), the output bias
// starting at the log training frequency (as Mult-VAE here), next_k = 1 by default (next-item
// ranking; the paper used 4 on MovieLens). No retrieval form, for Mult-VAE's reason
// (models/deep/mult_vae.cc).
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "core/error.h"
#include "core/rng.h"
#include "features/negative_sampler.h"
#include "models/config_reader.h"
#include "models/deep/adam_state.h"
#include "models/deep/data_parallel.h"
#include "models/deep/deep_models.h"
#include "models/deep/sequence_windows.h"
#include "models/deep/tensor_io.h"
#include "models/deep/torch_runtime.h"
#include "models/deep/train_config.h"
#include "models/deep/warm_start.h"
#include "train/trainer.h"

namespace kairos {
namespace {

struct SvaeConfig {
  int embedding = 256;          // the paper's item_embed_size
  int rnn = 200;                // GRU units (the paper's rnn_size)
  int hidden = 150;             // the tanh layers on each side (the paper's hidden_size)
  int latent = 64;              // the paper's latent_size
  int next_k = 1;               // targets per step: the next k items (the paper: 4)
  double dropout = 0.0;         // on the item embeddings (the paper's code uses none)
  double beta_max = 0.2;        // the paper's anneal cap
  int anneal_steps = 200000;    // updates to reach beta_max (the paper's total_anneal_steps)
  int max_len = 50;             // training: the last max_len + 1 events of each sequence
  int batch_size = 128;         // sequences per batch (the paper: 1)
  double learning_rate = 1e-3;  // Adam (the paper's code: Adam's default)
  double weight_decay = 0.0;    // the paper's code: 5e-3
  double clip_norm = 5.0;       // 0 = off
  TrainConfig train{};

  NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(SvaeConfig, embedding, rnn, hidden, latent, next_k,
                                              dropout, beta_max, anneal_steps, max_len, batch_size,
                                              learning_rate, weight_decay, clip_norm)
  void check(const std::string& model) const {
    KAIROS_CHECK_USAGE(embedding > 0 && rnn > 0 && hidden > 0 && latent > 0 && max_len > 0 &&
                           batch_size > 0 && next_k > 0,
                       "{}: embedding, rnn, hidden, latent, next_k, max_len and batch_size must be "
                       "positive",
                       model);
    KAIROS_CHECK_USAGE(dropout >= 0 && dropout < 1, "{}: dropout must be in [0, 1)", model);
    KAIROS_CHECK_USAGE(beta_max >= 0 && anneal_steps > 0,
                       "{}: beta_max must be >= 0 and anneal_steps positive", model);
    KAIROS_CHECK_USAGE(learning_rate > 0, "{}: learning_rate must be positive", model);
  }
  static SvaeConfig from_json(const nlohmann::json& j) {
    return read_model_config<SvaeConfig>(j, "svae", 20);
  }
  nlohmann::json to_json() const { return model_config_json(*this); }
};

struct SvaeNetImpl : torch::nn::Module {
  SvaeNetImpl(int64_t items, const SvaeConfig& c)
      : item_emb(register_module(
            "item_emb",
            torch::nn::Embedding(torch::nn::EmbeddingOptions(items, c.embedding).padding_idx(0)))),
        gru(register_module(
            "gru", torch::nn::GRU(torch::nn::GRUOptions(c.embedding, c.rnn).batch_first(true)))),
        encoder(register_module("encoder", torch::nn::Linear(c.rnn, c.hidden))),
        to_latent(register_module("to_latent", torch::nn::Linear(c.hidden, 2 * c.latent))),
        decoder_in(register_module("decoder_in", torch::nn::Linear(c.latent, c.hidden))),
        decoder_out(register_module("decoder_out", torch::nn::Linear(c.hidden, items))),
        drop(c.dropout) {
    // Glorot weights for the dense layers (the paper's code: Xavier-normal), small Glorot-uniform
    // item embeddings with a zero padding row (as NARM here).
    torch::NoGradGuard no_grad;
    for (auto* l : {&encoder, &to_latent, &decoder_in, &decoder_out}) {
      torch::nn::init::xavier_normal_((*l)->weight);
      (*l)->bias.zero_();
    }
    const double bound = std::sqrt(6.0 / static_cast<double>(items + c.embedding));
    item_emb->weight.uniform_(-bound, bound);
    item_emb->weight[0].zero_();
  }

  // GRU states [..., rnn] -> (mu, logvar), each [..., latent].
  std::pair<torch::Tensor, torch::Tensor> latent(const torch::Tensor& h) {
    const auto parts = to_latent(torch::tanh(encoder(h))).chunk(2, -1);
    return {parts[0], parts[1]};
  }
  // Right-padded items [B, L] -> GRU states [B, L, rnn].
  torch::Tensor states(const torch::Tensor& items) {
    return std::get<0>(gru(torch::dropout(item_emb(items), drop, is_training())));
  }
  // One GRU step of `item` from `h` [1, rnn] -> the new state [1, rnn].
  torch::Tensor step(int64_t item, const torch::Tensor& h) {
    const torch::Tensor e = item_emb(torch::tensor({item}, torch::kLong)).view({1, 1, -1});
    return std::get<1>(gru(e, h.view({1, 1, -1}))).view({1, -1});
  }
  // The decoder's hidden layer for latent vectors z [..., latent] -> [..., hidden].
  torch::Tensor decode_hidden(const torch::Tensor& z) { return torch::tanh(decoder_in(z)); }

  torch::nn::Embedding item_emb;
  torch::nn::GRU gru;
  torch::nn::Linear encoder, to_latent, decoder_in, decoder_out;
  double drop;
};
TORCH_MODULE(SvaeNet);

struct SvaeState : SessionState {
  torch::Tensor h;  // [1, rnn] after the last known item (undefined: none yet)
  size_t bytes() const override {
    return SessionState::bytes() + sizeof(*this) - sizeof(SessionState) +
           (h.defined() ? h.nbytes() + 512 : 0);
  }
};

class Svae final : public SessionModel, public Trainable {
 public:
  explicit Svae(SvaeConfig c) : cfg_(std::move(c)) {}

  std::string name() const override { return "svae"; }
  void set_run_options(const RunOptions& run) override { run_ = run; }

  void fit(const Dataset& data, const SessionSet& train) override {
    set_compute_threads(1);
    configure_allocator(StepShapes::kVarying);
    seed_torch(cfg_.train.seed);
    rng_ = Rng(cfg_.train.seed);
    if (warm_) {  // continue from the loaded (grown) weights and optimiser state
      KAIROS_CHECK(num_items_ == data.num_items(),
                   "svae: warm start grown to {} items, the data has {}", num_items_,
                   data.num_items());
    } else {
      build(data.num_items());
      adam_.clear();
    }
    const bool validate = cfg_.train.validate && !data.valid().empty();
    train_ = validate ? data.train() : train;
    sequences_ = training_sequences(train_, cfg_.max_len, &events_);
    KAIROS_CHECK(!sequences_.empty(), "svae: no training sequence has two events");
    if (!warm_) {
      // The output bias starts at the log training frequency, as Mult-VAE's (mult_vae.cc).
      torch::NoGradGuard no_grad;
      const torch::Tensor log_pop = torch::tensor(log_counts(item_counts(train_, num_items_)));
      net_->decoder_out->bias.copy_(log_pop - log_pop.max());
    }
    optimizer_ = std::make_unique<torch::optim::Adam>(
        net_->parameters(),
        torch::optim::AdamOptions(cfg_.learning_rate).weight_decay(cfg_.weight_decay));
    if (!adam_.empty()) set_adam_state(*optimizer_, named(), adam_);
    // A warm start continues at the full KL weight rather than annealing again from 0.
    updates_ = warm_ ? static_cast<uint64_t>(cfg_.anneal_steps) : 0;
    dp_ = open_data_parallel(run_);
    if (dp_) dp_->broadcast(net_->parameters());  // every replica starts from rank 0's weights
    TrainOptions o = cfg_.train.options(name(), run_);
    o.validate = validate;
    spdlog::info("svae: {} training sequences, {} steps, {} items; {}", sequences_.size(), events_,
                 num_items_, compute_description(run_.threads));
    summary_ = run_training(*this, data, o);
    finish();
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

  // A batch of sequences, right-padded: the inputs are the last max_len + 1 events but the last;
  // step j's targets are the next_k events after it. The summed negative ELBO over the steps,
  // gradients of its mean per step. Data-parallel: this rank's part of the batch (a last batch
  // smaller than the world is dropped).
  bool forward_backward(EpochProgress* progress) override {
    if (next_ >= order_.size()) return false;
    const size_t end = std::min(order_.size(), next_ + static_cast<size_t>(cfg_.batch_size));
    const size_t begin = next_;
    const RankSlice part = rank_slice(dp_.get(), begin, end);
    if (part.skip) {
      next_ = end;
      return false;
    }
    const SequenceWindows w = sequence_windows(
        train_, std::span<const uint32_t>(order_).subspan(part.lo, part.hi - part.lo),
        cfg_.max_len);
    std::vector<int64_t> steps;  // flat index r * cols + j of every input
    std::vector<int64_t> target_rows, target_items;
    std::vector<float> target_weights;
    for (int64_t r = 0; r < w.rows; ++r) {
      const SessionView s = train_[order_[part.lo + static_cast<size_t>(r)]];
      for (size_t j = 0; j < w.length[r]; ++j) {
        const size_t at = w.first[r] + j;
        const size_t k = std::min<size_t>(cfg_.next_k, s.size() - 1 - at);
        const auto row = static_cast<int64_t>(steps.size());
        steps.push_back(r * w.cols + static_cast<int64_t>(j));
        for (size_t t = 1; t <= k; ++t) {
          target_rows.push_back(row);
          target_items.push_back(s.items[at + t]);
          target_weights.push_back(1.0f / static_cast<float>(k));
        }
      }
    }
    next_ = end;
    const torch::Tensor input = torch::tensor(w.input).view({w.rows, w.cols});
    const torch::Tensor h =
        net_->states(input).reshape({w.rows * w.cols, -1}).index_select(0, torch::tensor(steps));
    auto [mu, logvar] = net_->latent(h);
    // The whole batch's noise (one row per step of its windows), this rank's rows: the same
    // draws as one process makes.
    int64_t before = 0, total = 0;
    for (size_t i = begin; i < end; ++i) {
      const auto steps_i =
          static_cast<int64_t>(std::min<size_t>(train_[order_[i]].size() - 1, cfg_.max_len));
      if (i < part.lo) before += steps_i;
      total += steps_i;
    }
    const torch::Tensor noise = torch::randn({total, mu.size(1)}).narrow(0, before, mu.size(0));
    const torch::Tensor z = mu + noise * torch::exp(0.5 * logvar);
    const torch::Tensor logp =
        torch::log_softmax(net_->decoder_out(net_->decode_hidden(z)), 1);  // [steps, items]
    const torch::Tensor nll =
        -(logp.index({torch::tensor(target_rows), torch::tensor(target_items)}) *
          torch::tensor(target_weights))
             .sum();
    const torch::Tensor kl = -0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum();
    const double beta =
        cfg_.beta_max * std::min(1.0, static_cast<double>(updates_) / cfg_.anneal_steps);
    const torch::Tensor loss = nll + beta * kl;
    const auto n = static_cast<int64_t>(steps.size());
    progress->loss_sum += loss.item<double>();
    progress->events += static_cast<uint64_t>(n);
    step_targets_ = n;
    optimizer_->zero_grad();
    (loss / static_cast<double>(std::max<int64_t>(n, 1))).backward();
    return true;
  }

  void apply_update() override {
    if (dp_) {
      average_gradients(*dp_, net_->parameters(), net_->item_emb->weight, step_targets_);
    }
    if (cfg_.clip_norm > 0) torch::nn::utils::clip_grad_norm_(net_->parameters(), cfg_.clip_norm);
    optimizer_->step();
    ++updates_;
    torch::NoGradGuard no_grad;
    net_->item_emb->weight[0].zero_();  // padding stays zero
  }

  void end_epoch() override {
    finish();
    threads_.reset();
  }

  void keep_best() override { best_ = snapshot(net_->parameters()); }
  void restore_best() override { restore(net_->parameters(), best_); }

  // ---- scoring: one GRU step per event, z = mu decoded ----
  void score(const SessionQuery& q, std::span<float> scores) const override {
    auto s = start();
    for (size_t i = 0; i < q.items.size(); ++i) observe(*s, q.items[i], 0, 0);
    score(*s, scores);
  }
  std::unique_ptr<SessionState> start() const override { return std::make_unique<SvaeState>(); }
  void observe(SessionState& state, uint32_t item, uint8_t type, int64_t ts_ms) const override {
    SessionModel::observe(state, item, type, ts_ms);
    if (item == 0 || item >= num_items_) return;  // unknown items leave the state as it is
    auto& s = static_cast<SvaeState&>(state);
    torch::NoGradGuard no_grad;
    s.h = net_.ptr()->step(item, s.h.defined() ? s.h : torch::zeros({1, cfg_.rnn}));
  }
  void score(const SessionState& state, std::span<float> scores) const override {
    KAIROS_ASSERT(scores.size() == num_items_);
    const auto& s = static_cast<const SvaeState&>(state);
    torch::Tensor out = torch::from_blob(scores.data(), {static_cast<int64_t>(num_items_)});
    torch::NoGradGuard no_grad;
    if (!s.h.defined()) {
      out.zero_();
    } else {
      const torch::Tensor d = net_.ptr()->decode_hidden(net_.ptr()->latent(s.h).first).view({-1});
      torch::mv_out(out, output_, torch::cat({d, torch::ones({1})}));
    }
    scores[0] = -std::numeric_limits<float>::infinity();
  }
  bool incremental() const override { return true; }
  std::unique_ptr<SessionState> clone_state(const SessionState& state) const override {
    const auto& s = static_cast<const SvaeState&>(state);
    auto c = std::make_unique<SvaeState>();
    c->items = s.items;
    c->types = s.types;
    c->ts_ms = s.ts_ms;
    if (s.h.defined()) c->h = s.h.clone();
    return c;
  }

  // The session's latent interest vector: mu of its last step (zeros before any known item).
  std::vector<float> interest_vector(const SessionState& state) const override {
    const auto& s = static_cast<const SvaeState&>(state);
    if (!s.h.defined()) return std::vector<float>(cfg_.latent, 0.0f);
    torch::NoGradGuard no_grad;
    const torch::Tensor mu = net_.ptr()->latent(s.h).first.contiguous();
    return {mu.data_ptr<float>(), mu.data_ptr<float>() + mu.numel()};
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
    finish();
  }

  // Warm start: the loaded weights grown to `num_items` (new items at their category's mean) and
  // the Adam state with them; fit() then continues from both.
  void grow_items(uint32_t num_items, std::span<const uint32_t> item_category) override {
    adam_ = grow_model(
        name(), num_items_, num_items, item_category, adam_, [&] { return named(); },
        [&] { return named(); }, [&] { build(num_items); });
    warm_ = true;
    finish();
  }

 private:
  void build(uint32_t num_items) {
    KAIROS_CHECK(num_items >= 2, "svae: the catalogue is empty");
    num_items_ = num_items;
    net_ = SvaeNet(num_items, cfg_);
  }
  NamedTensors named() const { return named_tensors(*net_); }
  // Evaluation mode and the output table [W_out, b_out] computed once.
  void finish() {
    net_->eval();
    torch::NoGradGuard no_grad;
    output_ =
        torch::cat({net_->decoder_out->weight, net_->decoder_out->bias.unsqueeze(1)}, 1).clone();
  }

  SvaeConfig cfg_;
  RunOptions run_;
  bool warm_ = false;  // fit() continues from the current weights (grow_items)
  NamedTensors adam_;  // Adam's state after the last fit / from model.pt (empty: none)
  std::unique_ptr<DataParallel> dp_;  // data-parallel training (fit() only; null: one process)
  int64_t step_targets_ = 0;          // targets of this rank's part of the current batch
  uint32_t num_items_ = 0;
  SvaeNet net_{nullptr};
  torch::Tensor output_;  // [W_out, b_out] [items, hidden + 1], fixed after fit / load
  std::unique_ptr<torch::optim::Adam> optimizer_;
  SessionSet train_;
  std::vector<uint32_t> sequences_;
  uint64_t events_ = 0;
  uint64_t updates_ = 0;  // for beta's annealing
  Rng rng_{42};
  // The epoch in progress: its threads, its sequence order and the next batch's start.
  std::optional<TrainingThreads> threads_;
  std::vector<uint32_t> order_;
  size_t next_ = 0;
  std::vector<torch::Tensor> best_;
  TrainSummary summary_;
};

}  // namespace

std::unique_ptr<SessionModel> make_svae(const nlohmann::json& hparams) {
  return std::make_unique<Svae>(SvaeConfig::from_json(hparams));
}

}  // namespace kairos
