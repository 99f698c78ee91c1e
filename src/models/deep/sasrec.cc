// SASRec (Kang & McAuley, ICDM 2018) behind SessionModel: trained on every prefix of each
// training sequence at once (targets = the sequence shifted by one), or on each prefix as a
// sample of its own (`targets: last`), with full-softmax cross-entropy over the catalogue by
// default or a sampled softmax with logQ correction; Adam, gradient clipping, the shared Trainer.
// NextItNet and BSARec are the same model with another encoder (SasRecEncoder). docs/models.md
// lists the differences from the papers.
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

#include "core/error.h"
#include "core/event_type.h"
#include "core/rng.h"
#include "features/negative_sampler.h"
#include "models/attention_shares.h"
#include "models/deep/adam_state.h"
#include "models/deep/bsarec_net.h"
#include "models/deep/data_parallel.h"
#include "models/deep/deep_models.h"
#include "models/deep/losses.h"
#include "models/deep/sasrec_config.h"
#include "models/deep/sasrec_net.h"
#include "models/deep/tensor_io.h"
#include "models/deep/torch_runtime.h"
#include "models/deep/warm_start.h"
#include "train/trainer.h"

namespace kairos {
namespace {

class SasRec final : public SessionModel, public Trainable {
 public:
  explicit SasRec(SasRecConfig c) : cfg_(std::move(c)) {}

  std::string name() const override { return cfg_.model_name(); }

  void fit(const Dataset& data, const SessionSet& train) override {
    set_compute_threads(1);  // validation: the evaluator's threads, one each
    configure_allocator(StepShapes::kVarying);
    seed_torch(cfg_.train.seed);
    rng_ = Rng(cfg_.train.seed);
    if (warm_) {  // continue from the loaded (grown) weights and optimiser state
      KAIROS_CHECK(num_items_ == data.num_items(),
                   "{}: warm start grown to {} items, the data has {}", name(), num_items_,
                   data.num_items());
    } else {
      build(data.num_items());
      adam_.clear();
    }
    const bool validate = cfg_.train.validate && !data.valid().empty();
    train_ = validate ? data.train() : train;
    samples_.clear();
    events_per_epoch_ = 0;
    for (size_t s = 0; s < train_.size(); ++s) {
      const auto n = static_cast<uint32_t>(train_[s].size());
      if (n < 2) continue;
      if (last_only()) {  // one sample per target: the prefix items[0, end)
        for (uint32_t end = 2; end <= n; ++end) samples_.push_back({static_cast<uint32_t>(s), end});
        events_per_epoch_ += n - 1;
      } else {
        samples_.push_back({static_cast<uint32_t>(s), n});
        events_per_epoch_ += std::min<size_t>(n - 1, cfg_.max_len);
      }
    }
    KAIROS_CHECK(!samples_.empty(), "{}: no training sequence has two events", name());
    if (cfg_.loss == "sampled") {
      const auto counts = item_counts(train_, num_items_);
      sampler_ = NegativeSampler(counts, cfg_.sample_alpha);
      log_pop_ = torch::tensor(log_counts(counts));
      log_q_ = log_pop_ * cfg_.sample_alpha;  // log(count^alpha), the sampler's proposal
    }
    optimizer_ = std::make_unique<torch::optim::Adam>(
        net_->parameters(),
        torch::optim::AdamOptions(cfg_.learning_rate).weight_decay(cfg_.weight_decay));
    if (!adam_.empty()) set_adam_state(*optimizer_, named(), adam_);
    dp_ = open_data_parallel(run_);
    if (dp_) dp_->broadcast(net_->parameters());  // every replica starts from rank 0's weights
    TrainOptions o = cfg_.train.options(name(), run_);
    o.validate = validate;
    spdlog::info("{}: {} training samples, {} targets, {} items; {}", name(), samples_.size(),
                 events_per_epoch_, num_items_, compute_description(run_.threads));
    summary_ = run_training(*this, data, o);
    net_->eval();
    train_ = SessionSet();
    adam_ = adam_state(*optimizer_, named());  // saved in model.pt for a later warm start
    optimizer_.reset();
    dp_.reset();
    best_.clear();
  }

  void set_run_options(const RunOptions& run) override { run_ = run; }

  // ---- Trainable ----
  const SessionModel& model() const override { return *this; }
  uint64_t events_per_epoch() const override { return events_per_epoch_; }

  void begin_epoch(int, double lr_factor) override {
    threads_.emplace(run_.threads);
    net_->train();
    set_adam_lr(*optimizer_, cfg_.learning_rate * lr_factor);
    order_ = samples_;
    for (size_t i = order_.size(); i > 1; --i) std::swap(order_[i - 1], order_[rng_.below(i)]);
    if (last_only()) bucket_by_length();
    next_ = 0;
  }

  // `targets: last`: a batch costs its longest prefix (up to max_len) per sample, and most
  // prefixes are short. So within each run of 32 shuffled batches the samples are sorted by
  // length and cut into batches, and those batches are shuffled: batches of like lengths, with
  // random contents and order still (a bucket iterator). Only the epoch's last batch can be short;
  // it stays last.
  void bucket_by_length() {
    const size_t bs = static_cast<size_t>(cfg_.batch_size), run = 32 * bs;
    const auto length = [&](const Sample& s) {
      return std::min<uint32_t>(s.end - 1, cfg_.max_len);
    };
    std::vector<Sample> out;
    for (size_t lo = 0; lo < order_.size(); lo += run) {
      const size_t hi = std::min(order_.size(), lo + run), full = (hi - lo) / bs;
      std::stable_sort(order_.begin() + static_cast<std::ptrdiff_t>(lo),
                       order_.begin() + static_cast<std::ptrdiff_t>(hi),
                       [&](const Sample& a, const Sample& b) { return length(a) < length(b); });
      std::vector<size_t> batches(full);
      std::iota(batches.begin(), batches.end(), size_t{0});
      for (size_t i = full; i > 1; --i) std::swap(batches[i - 1], batches[rng_.below(i)]);
      out.clear();
      for (size_t k : batches) {
        out.insert(out.end(), order_.begin() + static_cast<std::ptrdiff_t>(lo + k * bs),
                   order_.begin() + static_cast<std::ptrdiff_t>(lo + (k + 1) * bs));
      }
      std::copy(out.begin(), out.end(), order_.begin() + static_cast<std::ptrdiff_t>(lo));
    }
  }

  bool forward_backward(EpochProgress* progress) override {
    if (next_ >= order_.size()) return false;
    const size_t end = std::min(order_.size(), next_ + cfg_.batch_size);
    const RankSlice part = rank_slice(dp_.get(), next_, end);
    if (part.skip) {
      next_ = end;
      return false;
    }
    const uint64_t before = progress->events;
    progress->loss_sum +=
        gradients({order_.data() + part.lo, part.hi - part.lo}, &progress->events);
    step_targets_ = static_cast<int64_t>(progress->events - before);
    next_ = end;
    return true;
  }

  void apply_update() override {
    if (dp_) synchronise_gradients();
    if (cfg_.clip_norm > 0) torch::nn::utils::clip_grad_norm_(net_->parameters(), cfg_.clip_norm);
    optimizer_->step();
    torch::NoGradGuard no_grad;
    net_->item_emb[0].zero_();  // padding stays zero
  }

  void end_epoch() override {
    net_->eval();
    threads_.reset();
  }

  // Data-parallel: the global batch's mean gradient on every rank, the item table as the rows
  // this step touched.
  void synchronise_gradients() {
    average_gradients(*dp_, net_->parameters(), net_->item_emb, step_targets_);
  }

  void keep_best() override { best_ = snapshot(net_->parameters()); }
  void restore_best() override { restore(net_->parameters(), best_); }

  // ---- scoring ----
  void score(const SessionQuery& q, std::span<float> scores) const override {
    KAIROS_ASSERT(scores.size() == num_items_);
    const Known seq = known(q.items, q.types);
    torch::Tensor out = torch::from_blob(scores.data(), {static_cast<int64_t>(num_items_)});
    if (seq.empty()) {
      out.zero_();
    } else {
      torch::NoGradGuard no_grad;
      const torch::Tensor h = encode_last(seq);
      torch::mv_out(out, output_emb(), as_query(h));
    }
    scores[0] = -std::numeric_limits<float>::infinity();
  }

  // ---- retrieval: scores are <as_query(encode_last(session)), output_emb() row> ----
  std::vector<float> item_vectors(uint32_t& dim) const override {
    dim = static_cast<uint32_t>(cfg_.hidden);
    torch::NoGradGuard no_grad;
    const torch::Tensor e = output_emb().contiguous();
    return {e.data_ptr<float>(), e.data_ptr<float>() + e.numel()};
  }
  std::vector<float> query_vector(const SessionState& state) const override {
    const Known seq = known(state.items, state.types);
    if (seq.empty()) return std::vector<float>(cfg_.hidden, 0.0f);
    torch::NoGradGuard no_grad;
    const torch::Tensor h = as_query(encode_last(seq)).contiguous();
    return {h.data_ptr<float>(), h.data_ptr<float>() + h.numel()};
  }

  // Attention rollout (Abnar & Zuidema 2020): the last position's attention over the session,
  // averaged over heads and composed through the blocks with the residual path (0.5 W + 0.5 I).
  // It says which past events the session representation draws on, so it is the same for every
  // recommended item; the reason names the share.
  std::vector<EventAttribution> explain(const SessionState& state, uint32_t item,
                                        uint32_t num_items, size_t max_events) const override {
    // NextItNet has no attention, and BSARec's filter mixes every position beside it:
    // leave-one-out attribution (SessionModel's default).
    if (cfg_.encoder != SasRecEncoder::kAttention) {
      return SessionModel::explain(state, item, num_items, max_events);
    }
    Known seq = known(state.items, state.types);
    const std::vector<size_t>& positions = seq.positions;
    const size_t n =
        std::min<size_t>({seq.items.size(), static_cast<size_t>(cfg_.max_len), max_events});
    if (n == 0) return {};
    torch::NoGradGuard no_grad;
    const auto last_n = [&](std::vector<int64_t>& v) {
      return torch::from_blob(v.data() + v.size() - n, {1, static_cast<int64_t>(n)}, torch::kLong)
          .clone();
    };
    std::vector<torch::Tensor> attention;
    net_->forward(last_n(seq.items), last_n(seq.types), &attention);
    torch::Tensor rollout = torch::eye(static_cast<int64_t>(n));
    for (const auto& w : attention) {
      const torch::Tensor a = 0.5 * w[0].mean(0) + 0.5 * torch::eye(static_cast<int64_t>(n));
      rollout = torch::mm(a / a.sum(1, true), rollout);
    }
    const torch::Tensor last = rollout[static_cast<int64_t>(n) - 1].contiguous();
    const std::vector<float> weights(last.data_ptr<float>(), last.data_ptr<float>() + n);
    return attention_shares(std::span<const size_t>(positions).last(n), state.items, weights);
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

  void grow_items(uint32_t num_items, std::span<const uint32_t> item_category) override {
    adam_ = grow_model(
        name(), num_items_, num_items, item_category, adam_, [&] { return named(); },
        [&] { return named(); }, [&] { build(num_items); });
    warm_ = true;
    net_->eval();
  }

 private:
  void build(uint32_t num_items) {
    KAIROS_CHECK(num_items >= 2, "{}: the catalogue is empty", name());
    num_items_ = num_items;
    switch (cfg_.encoder) {
      case SasRecEncoder::kFilter:
        net_ = std::make_shared<BsaRecNetImpl>(num_items, cfg_.hidden, cfg_.blocks, cfg_.heads,
                                               cfg_.max_len, cfg_.dropout, cfg_.filter.alpha,
                                               cfg_.filter.c);
        break;
      case SasRecEncoder::kConvolution:
        net_ = std::make_shared<SasRecNetImpl>(num_items, cfg_.hidden, cfg_.blocks, cfg_.heads,
                                               cfg_.max_len, cfg_.dropout, cfg_.use_types,
                                               cfg_.conv.dilations, cfg_.conv.kernel);
        break;
      case SasRecEncoder::kAttention:
        net_ = std::make_shared<SasRecNetImpl>(num_items, cfg_.hidden, cfg_.blocks, cfg_.heads,
                                               cfg_.max_len, cfg_.dropout, cfg_.use_types);
        break;
    }
  }

  NamedTensors named() const { return named_tensors(*net_); }
  bool last_only() const { return cfg_.targets == "last"; }

  // A training sample: the prefix items[0, end) of training sequence `seq`.
  struct Sample {
    uint32_t seq, end;
  };

  // The session's items the model knows (unknown and padding indices dropped), with their event
  // types (views when `types` is empty).
  struct Known {
    std::vector<int64_t> items, types;
    std::vector<size_t> positions;  // index in the session of each kept event
    bool empty() const { return items.empty(); }
  };
  Known known(std::span<const uint32_t> items, std::span<const uint8_t> types) const {
    Known k;
    for (size_t i = 0; i < items.size(); ++i) {
      if (items[i] == 0 || items[i] >= num_items_) continue;
      k.items.push_back(items[i]);
      k.types.push_back(types.empty() ? 0 : std::min<int64_t>(types[i], kNumEventTypes - 1));
      k.positions.push_back(i);
    }
    return k;
  }

  // The output side of the scores. With a temperature, items and sessions are compared by
  // cosine / temperature: unit item rows, and the session vector scaled to 1 / temperature.
  torch::Tensor output_emb() const {
    return cfg_.temperature > 0 ? unit_rows(net_->item_emb) : net_->item_emb;
  }
  torch::Tensor output_rows(const torch::Tensor& items) const {
    const torch::Tensor rows = net_->item_emb.index_select(0, items);
    return cfg_.temperature > 0 ? unit_rows(rows) : rows;
  }
  torch::Tensor as_query(const torch::Tensor& h) const {
    return cfg_.temperature > 0 ? unit_rows(h) / cfg_.temperature : h;
  }
  // Rows scaled to length 1 (zero rows, the padding item's, stay zero).
  static torch::Tensor unit_rows(const torch::Tensor& t) {
    return t / t.norm(2, -1, true).clamp_min(1e-12);
  }

  // Hidden state after the last item of `seq` (the most recent max_len items).
  torch::Tensor encode_last(const Known& seq) const {
    const size_t n = std::min<size_t>(seq.items.size(), cfg_.max_len);
    const auto last_n = [&](const std::vector<int64_t>& v) {
      return torch::from_blob(const_cast<int64_t*>(v.data() + v.size() - n),
                              {1, static_cast<int64_t>(n)}, torch::kLong);
    };
    const torch::Tensor h = net_->forward(last_n(seq.items), last_n(seq.types));
    return h[0][static_cast<int64_t>(n) - 1];
  }

  // The summed loss of a batch of training samples and the gradients of its mean (in .grad()).
  double gradients(std::span<const Sample> batch, uint64_t* events) {
    // Left-padded inputs x[:-1] and targets x[1:], the last max_len of each prefix x =
    // items[0, end); with `targets: last` only the last target counts.
    size_t len = 0;
    for (const Sample& s : batch) len = std::max(len, std::min<size_t>(s.end - 1, cfg_.max_len));
    const int64_t b = static_cast<int64_t>(batch.size()), l = static_cast<int64_t>(len);
    torch::Tensor input = torch::zeros({b, l}, torch::kLong),
                  types = torch::zeros({b, l}, torch::kLong),
                  target = torch::zeros({b, l}, torch::kLong);
    auto in = input.accessor<int64_t, 2>();
    auto ty = types.accessor<int64_t, 2>();
    auto tg = target.accessor<int64_t, 2>();
    for (int64_t r = 0; r < b; ++r) {
      const SessionView v = train_[batch[r].seq];
      const size_t end = batch[r].end, n = std::min<size_t>(end - 1, cfg_.max_len);
      for (size_t j = 0; j < n; ++j) {
        const size_t src = end - 1 - n + j;
        in[r][l - n + j] = v.items[src];
        ty[r][l - n + j] = std::min<int64_t>(v.types[src], kNumEventTypes - 1);
      }
      if (last_only()) {
        tg[r][l - 1] = v.items[end - 1];
      } else {
        for (size_t j = 0; j < n; ++j) tg[r][l - n + j] = v.items[end - n + j];
      }
    }
    const torch::Tensor h = net_->forward(input, types);
    const torch::Tensor valid = (target.reshape({-1}) != 0).nonzero().reshape({-1});
    const torch::Tensor hv = h.reshape({-1, cfg_.hidden}).index_select(0, valid);
    const torch::Tensor tv = target.reshape({-1}).index_select(0, valid);
    *events += static_cast<uint64_t>(tv.size(0));
    torch::Tensor loss;
    if (cfg_.loss == "full") {
      loss = softmax_cross_entropy(torch::mm(as_query(hv), output_emb().t()), tv);
    } else {
      // Columns: n_sample shared negatives ~ popularity^alpha and, optionally, the batch's own
      // targets (popularity-distributed, so harder negatives); each column's logit is corrected by
      // the log of its own proposal weight (logQ), the positive's like an in-batch column.
      std::vector<int64_t> neg(cfg_.n_sample);
      sampler_.sample(rng_, neg);
      torch::Tensor negt = torch::tensor(neg);
      torch::Tensor neg_logq = log_q_.index_select(0, negt);
      if (cfg_.in_batch_negatives) {
        negt = torch::cat({negt, tv});
        neg_logq = torch::cat({neg_logq, log_pop_.index_select(0, tv)});
      }
      const torch::Tensor pos_logq =
          cfg_.in_batch_negatives ? log_pop_.index_select(0, tv) : log_q_.index_select(0, tv);
      loss = sampled_softmax_cross_entropy(as_query(hv), output_rows(tv), pos_logq,
                                           output_rows(negt), neg_logq, tv, negt);
    }
    const double total = loss.item<double>();
    optimizer_->zero_grad();
    (loss / static_cast<double>(std::max<int64_t>(tv.size(0), 1))).backward();
    return total;
  }

  SasRecConfig cfg_;
  bool warm_ = false;                 // fit() continues from the current weights (grow_items)
  std::unique_ptr<DataParallel> dp_;  // data-parallel training (fit() only; null: one process)
  int64_t step_targets_ = 0;          // targets of this rank's part of the current batch
  NamedTensors adam_;  // Adam's state after the last fit / from model.pt (empty: none)
  RunOptions run_;
  uint32_t num_items_ = 0;
  std::shared_ptr<SequenceEncoderImpl> net_;
  std::unique_ptr<torch::optim::Adam> optimizer_;
  SessionSet train_;
  std::vector<Sample> samples_;
  // The epoch in progress: its threads, its sequence order and the next batch's start.
  std::optional<TrainingThreads> threads_;
  std::vector<Sample> order_;
  size_t next_ = 0;
  NegativeSampler sampler_;
  torch::Tensor log_q_, log_pop_;
  Rng rng_{42};
  uint64_t events_per_epoch_ = 0;
  std::vector<torch::Tensor> best_;
  TrainSummary summary_;
};

}  // namespace

std::unique_ptr<SessionModel> make_sasrec(const nlohmann::json& hparams) {
  return std::make_unique<SasRec>(SasRecConfig::from_json(hparams));
}

std::unique_ptr<SessionModel> make_nextitnet(const nlohmann::json& hparams) {
  return std::make_unique<SasRec>(SasRecConfig::from_json(hparams, SasRecEncoder::kConvolution));
}

std::unique_ptr<SessionModel> make_bsarec(const nlohmann::json& hparams) {
  return std::make_unique<SasRec>(SasRecConfig::from_json(hparams, SasRecEncoder::kFilter));
}

}  // namespace kairos
