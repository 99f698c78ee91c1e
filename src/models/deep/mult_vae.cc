// Mult-VAE (Liang, Krishnan, Hoffman & Jebara, WWW 2018, "Variational Autoencoders for
// Collaborative Filtering") over sessions behind SessionModel: a session's item set (its last
// `max_len` events), L2-normalised with input dropout, is encoded to a Gaussian latent interest
// vector z (mu, log sigma^2; `latent` units, one tanh layer of `hidden` on each side) and decoded
// to a multinomial over the catalogue. Loss: the multinomial log-likelihood of the targets plus
// beta * KL(q(z | x) || N(0, I)), beta annealed linearly from 0 to `beta_max` over `anneal_steps`
// updates (the paper's schedule). Targets (`target`): "rest" (default) — each epoch a random cut
// per session, the items before it as input and the distinct items after it as targets, so the
// model learns what a session goes on to, which is what next-item ranking asks; "all" — the
// paper's reconstruction of the whole set. Scores use z = mu. The latent vector mu is the
// session's interest profile. No retrieval form (see the note above the artifacts below).
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
#include "models/deep/tensor_io.h"
#include "models/deep/torch_runtime.h"
#include "models/deep/train_config.h"
#include "models/deep/warm_start.h"
#include "train/trainer.h"

namespace kairos {
namespace {

struct MultVaeConfig {
  int hidden = 600;             // the paper's [600] on each side
  int latent = 200;             // the paper's 200
  double dropout = 0.5;         // input dropout (the paper's 0.5)
  double beta_max = 0.2;        // the paper's cap on the KL weight
  int anneal_steps = 200000;    // updates to reach beta_max (the paper's total_anneal_steps)
  std::string target = "rest";  // rest | all
  int max_len = 50;             // a session's last max_len events form its input
  int batch_size = 500;         // sessions per batch (the paper's 500 users)
  double learning_rate = 1e-3;  // Adam (the paper's)
  double weight_decay = 0.0;
  TrainConfig train{};

  NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(MultVaeConfig, hidden, latent, dropout, beta_max,
                                              anneal_steps, target, max_len, batch_size,
                                              learning_rate, weight_decay)
  void check(const std::string& model) const {
    KAIROS_CHECK_USAGE(hidden > 0 && latent > 0 && max_len > 0 && batch_size > 0,
                       "{}: hidden, latent, max_len and batch_size must be positive", model);
    KAIROS_CHECK_USAGE(dropout >= 0 && dropout < 1, "{}: dropout must be in [0, 1)", model);
    KAIROS_CHECK_USAGE(beta_max >= 0 && anneal_steps > 0,
                       "{}: beta_max must be >= 0 and anneal_steps positive", model);
    KAIROS_CHECK_USAGE(target == "rest" || target == "all", "{}: target must be rest or all",
                       model);
    KAIROS_CHECK_USAGE(learning_rate > 0, "{}: learning_rate must be positive", model);
  }
  static MultVaeConfig from_json(const nlohmann::json& j) {
    return read_model_config<MultVaeConfig>(j, "multvae", 20);
  }
  nlohmann::json to_json() const { return model_config_json(*this); }
};

// Item sets as a bag: flat item ids, each bag's offset, and each item's weight (the set's L2
// normalisation, times the input dropout's keep / (1 - p) in training).
struct Bags {
  std::vector<int64_t> items, offsets;
  std::vector<float> weights;
};

struct MultVaeNetImpl : torch::nn::Module {
  MultVaeNetImpl(int64_t items, const MultVaeConfig& c)
      : encoder_in(register_module(
            "encoder_in", torch::nn::EmbeddingBag(
                              torch::nn::EmbeddingBagOptions(items, c.hidden).mode(torch::kSum)))),
        encoder_out(register_module("encoder_out", torch::nn::Linear(c.hidden, 2 * c.latent))),
        decoder_in(register_module("decoder_in", torch::nn::Linear(c.latent, c.hidden))),
        decoder_out(register_module("decoder_out", torch::nn::Linear(c.hidden, items))),
        latent(c.latent) {
    encoder_bias = register_parameter("encoder_bias", torch::zeros({c.hidden}));
    // Glorot-uniform weights and N(0, 0.001) biases, as the paper's code.
    torch::NoGradGuard no_grad;
    for (auto& p : parameters()) {
      if (p.dim() == 2) {
        const double bound = std::sqrt(6.0 / static_cast<double>(p.size(0) + p.size(1)));
        p.uniform_(-bound, bound);
      } else {
        p.normal_(0, 0.001);
      }
    }
  }

  // -> (mu, logvar), each [B, latent].
  std::pair<torch::Tensor, torch::Tensor> encode(const Bags& b) {
    const torch::Tensor items = torch::tensor(b.items, torch::kLong);
    const torch::Tensor offsets = torch::tensor(b.offsets, torch::kLong);
    const torch::Tensor weights = torch::tensor(b.weights, torch::kFloat);
    const torch::Tensor h = torch::tanh(encoder_in(items, offsets, weights) + encoder_bias);
    const auto parts = encoder_out(h).chunk(2, -1);
    return {parts[0], parts[1]};
  }
  // The decoder's last hidden layer for latent vectors z [B, latent] -> [B, hidden].
  torch::Tensor decode_hidden(const torch::Tensor& z) { return torch::tanh(decoder_in(z)); }

  torch::nn::EmbeddingBag encoder_in;
  torch::nn::Linear encoder_out, decoder_in, decoder_out;
  torch::Tensor encoder_bias;
  int64_t latent;
};
TORCH_MODULE(MultVaeNet);

class MultVae final : public SessionModel, public Trainable {
 public:
  explicit MultVae(MultVaeConfig c) : cfg_(std::move(c)) {}

  std::string name() const override { return "multvae"; }
  void set_run_options(const RunOptions& run) override { run_ = run; }

  void fit(const Dataset& data, const SessionSet& train) override {
    set_compute_threads(1);
    configure_allocator(StepShapes::kVarying);
    seed_torch(cfg_.train.seed);
    rng_ = Rng(cfg_.train.seed);
    if (warm_) {  // continue from the loaded (grown) weights and optimiser state
      KAIROS_CHECK(num_items_ == data.num_items(),
                   "multvae: warm start grown to {} items, the data has {}", num_items_,
                   data.num_items());
    } else {
      build(data.num_items());
      adam_.clear();
    }
    const bool validate = cfg_.train.validate && !data.valid().empty();
    train_ = validate ? data.train() : train;
    sessions_.clear();
    for (size_t s = 0; s < train_.size(); ++s) {
      if (train_[s].size() >= 2) sessions_.push_back(static_cast<uint32_t>(s));
    }
    KAIROS_CHECK(!sessions_.empty(), "multvae: no training session has two events");
    if (!warm_) {
      // The output bias starts at the log training frequency (the multinomial's popularity
      // prior): on Diginetica, from Glorot / N(0, 0.001) the first epoch's ~370 Adam steps did
      // not even learn popularity (valid HR@20 0.0104).
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
    spdlog::info("multvae: {} training sessions, {} items, target '{}'; {}", sessions_.size(),
                 num_items_, cfg_.target, compute_description(run_.threads));
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
  uint64_t events_per_epoch() const override { return sessions_.size(); }

  void begin_epoch(int, double lr_factor) override {
    threads_.emplace(run_.threads);
    net_->train();
    set_adam_lr(*optimizer_, cfg_.learning_rate * lr_factor);
    for (size_t i = sessions_.size(); i > 1; --i) {
      std::swap(sessions_[i - 1], sessions_[rng_.below(i)]);
    }
    next_ = 0;
  }

  // A batch of sessions: inputs and targets by `target`, the summed negative ELBO (the KL
  // weighted by the annealed beta), gradients of its mean. Data-parallel: this rank's part of the
  // batch (a last batch smaller than the world is dropped); every rank draws the whole batch's
  // cuts and input dropout, so their random streams stay the same.
  bool forward_backward(EpochProgress* progress) override {
    if (next_ >= sessions_.size()) return false;
    const size_t end = std::min(sessions_.size(), next_ + static_cast<size_t>(cfg_.batch_size));
    const RankSlice part = rank_slice(dp_.get(), next_, end);
    if (part.skip) {
      next_ = end;
      return false;
    }
    Bags in, others;
    std::vector<int64_t> target_rows, target_items;
    std::vector<float> target_weights;
    const size_t begin = next_;
    for (size_t i = begin; i < end; ++i) {
      const bool mine = i >= part.lo && i < part.hi;
      const SessionView s = train_[sessions_[i]];
      const size_t cut = cfg_.target == "all" ? s.size() : 1 + rng_.below(s.size() - 1);
      const size_t first = cut > static_cast<size_t>(cfg_.max_len) ? cut - cfg_.max_len : 0;
      std::vector<uint32_t> input = distinct(s.items.subspan(first, cut - first));
      std::vector<uint32_t> out = cfg_.target == "all" ? input : distinct(s.items.subspan(cut));
      const auto row = static_cast<int64_t>(in.offsets.size());
      add_bag(input, cfg_.dropout, &rng_, mine ? &in : &others);
      if (!mine) continue;
      for (uint32_t item : out) {
        target_rows.push_back(row);
        target_items.push_back(item);
      }
    }
    next_ = end;
    const auto batch = static_cast<int64_t>(in.offsets.size());
    auto [mu, logvar] = net_->encode(in);
    // The whole batch's noise, this rank's rows: the same draws as one process makes.
    const torch::Tensor noise = torch::randn({static_cast<int64_t>(end - begin), mu.size(1)})
                                    .narrow(0, static_cast<int64_t>(part.lo - begin), batch);
    const torch::Tensor z = mu + noise * torch::exp(0.5 * logvar);
    const torch::Tensor logp =
        torch::log_softmax(net_->decoder_out(net_->decode_hidden(z)), 1);  // [B, items]
    const torch::Tensor nll =
        -logp.index({torch::tensor(target_rows, torch::kLong), torch::tensor(target_items)}).sum();
    const torch::Tensor kl = -0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum();
    const double beta =
        cfg_.beta_max * std::min(1.0, static_cast<double>(updates_) / cfg_.anneal_steps);
    const torch::Tensor loss = nll + beta * kl;
    progress->loss_sum += loss.item<double>();
    progress->events += static_cast<uint64_t>(batch);
    step_targets_ = batch;
    optimizer_->zero_grad();
    (loss / static_cast<double>(batch)).backward();
    return true;
  }

  void apply_update() override {
    if (dp_) average_gradients(*dp_, net_->parameters(), torch::Tensor(), step_targets_);
    optimizer_->step();
    ++updates_;
  }

  void end_epoch() override {
    finish();
    threads_.reset();
  }

  void keep_best() override { best_ = snapshot(net_->parameters()); }
  void restore_best() override { restore(net_->parameters(), best_); }

  // ---- scoring: the set of the last max_len known events, encoded to mu, decoded ----
  void score(const SessionQuery& q, std::span<float> scores) const override {
    score_as_batch(*this, q, scores);
  }
  bool incremental() const override { return true; }  // score(state) re-encodes the event list
  void score_batch(std::span<const SessionState* const> states,
                   std::span<float> scores) const override {
    KAIROS_ASSERT(scores.size() == states.size() * num_items_);
    torch::NoGradGuard no_grad;
    const torch::Tensor q = queries(states);  // [B, hidden + 1]
    torch::Tensor out = torch::from_blob(
        scores.data(), {static_cast<int64_t>(states.size()), static_cast<int64_t>(num_items_)});
    torch::mm_out(out, q, output_.t());
    out.select(1, 0).fill_(-std::numeric_limits<float>::infinity());
  }
  std::unique_ptr<SessionState> clone_state(const SessionState& state) const override {
    return copy_events(state);
  }

  // No retrieval form: the scores are an inner product <[tanh(W_h mu + b_h), 1], [W_i, b_i]>, but
  // the output biases (log popularity, down to -10) dominate the item vectors' norms and an HNSW
  // graph over them misleads the search: recall@20 against exact was 0.0008 on Diginetica
  // (`kairos bench model`, docs/BENCHMARKS.md). The server scores every item instead.

  // The session's latent interest vector: the encoder's mean mu.
  std::vector<float> interest_vector(const SessionState& state) const override {
    torch::NoGradGuard no_grad;
    const SessionState* one = &state;
    const torch::Tensor mu = means({&one, 1}).contiguous();
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
    KAIROS_CHECK(num_items >= 2, "multvae: the catalogue is empty");
    num_items_ = num_items;
    net_ = MultVaeNet(num_items, cfg_);
  }
  NamedTensors named() const { return named_tensors(*net_); }
  // Evaluation mode and the output table [W_out, b_out] computed once.
  void finish() {
    net_->eval();
    torch::NoGradGuard no_grad;
    output_ =
        torch::cat({net_->decoder_out->weight, net_->decoder_out->bias.unsqueeze(1)}, 1).clone();
  }

  static std::vector<uint32_t> distinct(std::span<const uint32_t> items) {
    std::vector<uint32_t> v(items.begin(), items.end());
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
  }
  // One bag: the set's items with weight 1 / sqrt(|set|) (L2 normalisation of the multi-hot
  // vector); with `rng` (training) each item is dropped with probability `dropout` and kept ones
  // scaled by 1 / (1 - dropout). An empty bag encodes to the bias alone.
  static void add_bag(const std::vector<uint32_t>& items, double dropout, Rng* rng, Bags* b) {
    b->offsets.push_back(static_cast<int64_t>(b->items.size()));
    const float w = items.empty() ? 0.0f : 1.0f / std::sqrt(static_cast<float>(items.size()));
    const bool drop = rng != nullptr && dropout > 0;
    for (uint32_t item : items) {
      if (drop && rng->uniform() < dropout) continue;
      b->items.push_back(item);
      b->weights.push_back(drop ? w / static_cast<float>(1.0 - dropout) : w);
    }
  }
  // mu per state [B, latent], from the distinct known items of its last max_len events.
  torch::Tensor means(std::span<const SessionState* const> states) const {
    Bags b;
    for (const SessionState* s : states) {
      const size_t n = s->items.size(), first = n > static_cast<size_t>(cfg_.max_len)
                                                    ? n - static_cast<size_t>(cfg_.max_len)
                                                    : 0;
      std::vector<uint32_t> known;
      for (size_t i = first; i < n; ++i) {
        if (s->items[i] != 0 && s->items[i] < num_items_) known.push_back(s->items[i]);
      }
      add_bag(distinct(known), 0.0, nullptr, &b);
    }
    return net_.ptr()->encode(b).first;
  }
  // [tanh(W_h mu + b_h), 1] per state.
  torch::Tensor queries(std::span<const SessionState* const> states) const {
    const torch::Tensor h = net_.ptr()->decode_hidden(means(states));
    return torch::cat({h, torch::ones({h.size(0), 1})}, 1);
  }

  MultVaeConfig cfg_;
  RunOptions run_;
  bool warm_ = false;  // fit() continues from the current weights (grow_items)
  NamedTensors adam_;  // Adam's state after the last fit / from model.pt (empty: none)
  std::unique_ptr<DataParallel> dp_;  // data-parallel training (fit() only; null: one process)
  int64_t step_targets_ = 0;          // sessions in this rank's part of the current batch
  uint32_t num_items_ = 0;
  MultVaeNet net_{nullptr};
  torch::Tensor output_;  // [W_out, b_out] [items, hidden + 1], fixed after fit / load
  std::unique_ptr<torch::optim::Adam> optimizer_;
  SessionSet train_;
  std::vector<uint32_t> sessions_;
  uint64_t updates_ = 0;  // for beta's annealing
  Rng rng_{42};
  std::optional<TrainingThreads> threads_;
  size_t next_ = 0;
  std::vector<torch::Tensor> best_;
  TrainSummary summary_;
};

}  // namespace

std::unique_ptr<SessionModel> make_multvae(const nlohmann::json& hparams) {
  return std::make_unique<MultVae>(MultVaeConfig::from_json(hparams));
}

}  // namespace kairos
