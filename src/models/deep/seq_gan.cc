// A sequence GAN of sessions (models/generative/session_generator.h, name "seqgan"), after SeqGAN
// (Yu, Zhang, Wang & Yu, AAAI 2017): a recurrent generator G (item embedding, GRU, a softmax over
// the catalogue plus an end-of-session class) and a recurrent discriminator D (embedding, GRU, the
// probability that a session is real).
//  1. G is pre-trained by maximum likelihood on the training sessions (teacher forcing; a sampled
//     softmax with `n_sample` uniform negatives, the end class always among them) for
//     `mle_epochs` epochs. The item tables (input embedding, output weights and biases) take
//     row-sparse Adam steps on the rows a batch touched (models/deep/adam_rows.h), the GRU a
//     dense Adam step: a step costs what the batch touches, not the catalogue (43k items:
//     113-173 s per Diginetica epoch instead of 815 s with dense tables). The sampled logits
//     carry the logQ correction (log_q below), or generation's full softmax would under-weight
//     the end class, which is in every sample.
//  2. `gan_steps` adversarial steps: D learns real (training sessions) against fresh samples of G
//     (binary cross-entropy); G learns by REINFORCE with D's probability of the whole sampled
//     session as its reward (a running-mean baseline; SeqGAN's Monte Carlo roll-outs for
//     per-step rewards are left out: sessions are short, median 4 events), plus `mle_weight` times
//     a maximum-likelihood batch so that G does not drift from the data (the common stabiliser).
// Generation samples G's full softmax step by step in batches; the first event cannot be the end;
// the privacy knob (a CopyIndex) redraws an event that would complete a copied run. Sessions are
// cut at `max_len` events.
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/system.h"
#include "models/config_reader.h"
#include "models/deep/adam_rows.h"
#include "models/deep/deep_models.h"
#include "models/deep/losses.h"
#include "models/deep/tensor_io.h"
#include "models/deep/torch_runtime.h"

namespace kairos {
namespace {

struct SeqGanConfig {
  int embedding = 64;
  int hidden = 128;
  int max_len = 20;             // sessions longer are cut (training and generation)
  int batch_size = 128;         // maximum-likelihood batches
  int n_sample = 2048;          // sampled-softmax negatives for maximum likelihood
  double learning_rate = 2e-3;  // Adam, maximum likelihood
  int mle_epochs = 3;
  int gan_steps = 200;
  int gan_batch = 64;  // sessions sampled per adversarial step
  double gan_learning_rate = 1e-4;
  double d_learning_rate = 1e-3;
  int d_hidden = 64;
  double mle_weight = 1.0;  // weight of the maximum-likelihood batch in each G step
  uint64_t seed = 42;

  NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(SeqGanConfig, embedding, hidden, max_len, batch_size,
                                              n_sample, learning_rate, mle_epochs, gan_steps,
                                              gan_batch, gan_learning_rate, d_learning_rate,
                                              d_hidden, mle_weight, seed)
  void check(const std::string& model) const {
    KAIROS_CHECK_USAGE(embedding > 0 && hidden > 0 && d_hidden > 0 && max_len >= 2 &&
                           batch_size > 0 && n_sample > 0 && gan_batch > 0,
                       "{}: sizes must be positive and max_len >= 2", model);
    KAIROS_CHECK_USAGE(mle_epochs >= 0 && gan_steps >= 0 && mle_epochs + gan_steps > 0,
                       "{}: mle_epochs and gan_steps must be >= 0, not both 0", model);
    KAIROS_CHECK_USAGE(learning_rate > 0 && gan_learning_rate > 0 && d_learning_rate > 0,
                       "{}: learning rates must be positive", model);
    KAIROS_CHECK_USAGE(mle_weight >= 0, "{}: mle_weight must be >= 0", model);
  }
};

// A padded batch of sessions for teacher forcing: inputs [B, T] (0 = start / padding), targets
// [B, T] (0 = end of session), mask [B, T].
struct Batch {
  torch::Tensor inputs, targets, mask;
};

Batch make_batch(const std::vector<std::vector<uint32_t>>& sessions, int max_len) {
  const auto b = static_cast<int64_t>(sessions.size());
  int64_t t = 1;
  for (const auto& s : sessions) {
    t = std::max<int64_t>(t, std::min<int64_t>(static_cast<int64_t>(s.size()) + 1, max_len));
  }
  Batch out{torch::zeros({b, t}, torch::kLong), torch::zeros({b, t}, torch::kLong),
            torch::zeros({b, t})};
  auto in = out.inputs.accessor<int64_t, 2>();
  auto tg = out.targets.accessor<int64_t, 2>();
  auto mk = out.mask.accessor<float, 2>();
  for (int64_t r = 0; r < b; ++r) {
    const auto& s = sessions[static_cast<size_t>(r)];
    // Steps: predict s[0] from the start, s[i] from s[i-1], then the end (unless cut).
    const auto n = static_cast<int64_t>(s.size());
    for (int64_t i = 0; i < std::min<int64_t>(n + 1, t); ++i) {
      in[r][i] = i == 0 ? 0 : s[static_cast<size_t>(i - 1)];
      tg[r][i] = i < n ? s[static_cast<size_t>(i)] : 0;
      mk[r][i] = 1;
    }
  }
  return out;
}

struct GeneratorImpl : torch::nn::Module {
  GeneratorImpl(int64_t items, const SeqGanConfig& c)
      : emb(register_module("emb", torch::nn::Embedding(items, c.embedding))),
        gru(register_module(
            "gru", torch::nn::GRU(torch::nn::GRUOptions(c.embedding, c.hidden).batch_first(true)))),
        out(register_module("out", torch::nn::Linear(c.hidden, items))) {}
  // States [B, T, hidden] for inputs [B, T], from `h0` (or zeros).
  std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& inputs,
                                                  const torch::Tensor& h0 = {}) {
    auto [y, h] = h0.defined() ? gru(emb(inputs), h0) : gru(emb(inputs));
    return {y, h};
  }
  torch::nn::Embedding emb;
  torch::nn::GRU gru;
  torch::nn::Linear out;  // class 0 = the end of the session
};
TORCH_MODULE(Generator);

struct DiscriminatorImpl : torch::nn::Module {
  DiscriminatorImpl(int64_t items, const SeqGanConfig& c)
      : emb(register_module(
            "emb",
            torch::nn::Embedding(torch::nn::EmbeddingOptions(items, c.embedding).padding_idx(0)))),
        gru(register_module(
            "gru",
            torch::nn::GRU(torch::nn::GRUOptions(c.embedding, c.d_hidden).batch_first(true)))),
        head(register_module("head", torch::nn::Linear(c.d_hidden, 1))) {}
  // Logit of "real" per session: items [B, T] right-padded with 0, lengths [B] (>= 1).
  torch::Tensor forward(const torch::Tensor& items, const torch::Tensor& lengths) {
    auto [y, h] = gru(emb(items));
    const int64_t b = items.size(0), d = y.size(2);
    const torch::Tensor last = y.gather(1, (lengths - 1).view({b, 1, 1}).expand({b, 1, d}));
    return head(last.squeeze(1)).squeeze(1);
  }
  torch::nn::Embedding emb;
  torch::nn::GRU gru;
  torch::nn::Linear head;
};
TORCH_MODULE(Discriminator);

bool completes_copy(const CopyIndex& guard, std::vector<uint32_t>& s, uint32_t item) {
  s.push_back(item);
  const bool copied = guard.ends_with_run(s);
  s.pop_back();
  return copied;
}

// Sessions as padded item tensors for D.
std::pair<torch::Tensor, torch::Tensor> padded(const std::vector<std::vector<uint32_t>>& sessions) {
  int64_t t = 1;
  for (const auto& s : sessions) t = std::max<int64_t>(t, static_cast<int64_t>(s.size()));
  torch::Tensor items = torch::zeros({static_cast<int64_t>(sessions.size()), t}, torch::kLong);
  torch::Tensor lengths = torch::zeros({static_cast<int64_t>(sessions.size())}, torch::kLong);
  auto it = items.accessor<int64_t, 2>();
  for (size_t r = 0; r < sessions.size(); ++r) {
    for (size_t i = 0; i < sessions[r].size(); ++i)
      it[static_cast<int64_t>(r)][static_cast<int64_t>(i)] = sessions[r][i];
    lengths[static_cast<int64_t>(r)] = static_cast<int64_t>(sessions[r].size());
  }
  return {items, lengths};
}

// Row-sparse Adam over one item table ([rows, d] or a bias [rows]; adam_rows.h): its moments
// and the global step.
class RowAdam {
 public:
  RowAdam(const torch::Tensor& table, double lr)
      : table_(table), m_(torch::zeros_like(table)), v_(torch::zeros_like(table)) {
    o_.lr = static_cast<float>(lr);
  }
  // `grads` [n, d] (or [n]) for table rows `rows` [n] (repeats summed).
  void step(const torch::Tensor& grads, const torch::Tensor& rows) {
    torch::NoGradGuard no_grad;
    const torch::Tensor g = grads.contiguous();
    const torch::Tensor r = rows.contiguous();
    const int64_t dim = table_.dim() == 1 ? 1 : table_.size(1);
    adam_rows(table_.data_ptr<float>(), m_.data_ptr<float>(), v_.data_ptr<float>(),
              g.data_ptr<float>(), r.data_ptr<int64_t>(), static_cast<size_t>(r.size(0)), dim,
              ++step_, o_, &scratch_);
  }

 private:
  torch::Tensor table_, m_, v_;
  AdamRowsOptions o_;
  int64_t step_ = 0;
  std::vector<float> scratch_;
};

class SeqGan final : public SessionGenerator {
 public:
  explicit SeqGan(SeqGanConfig c) : cfg_(std::move(c)) {}
  std::string name() const override { return "seqgan"; }
  nlohmann::json hparams() const override { return cfg_; }
  nlohmann::json training_report() const override { return report_; }

  void fit(const SessionSet& sessions, uint32_t num_items) override {
    set_compute_threads(1);
    seed_torch(cfg_.seed);
    TrainingThreads threads(2);
    build(num_items);
    Rng rng(cfg_.seed);
    for (size_t s = 0; s < sessions.size(); ++s) {
      const auto items = sessions[s].items;
      if (!items.empty()) real_.emplace_back(items.begin(), items.end());
    }
    KAIROS_CHECK_USAGE(!real_.empty(), "seqgan: no training sessions");
    torch::optim::Adam g_opt(gen_->gru->parameters(),
                             torch::optim::AdamOptions(cfg_.learning_rate));
    RowAdam emb_opt(gen_->emb->weight, cfg_.learning_rate);
    RowAdam w_opt(gen_->out->weight, cfg_.learning_rate),
        b_opt(gen_->out->bias, cfg_.learning_rate);
    report_ = {{"mle", nlohmann::json::array()}, {"gan", nlohmann::json::array()}};
    std::vector<size_t> order(real_.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    for (int epoch = 1; epoch <= cfg_.mle_epochs; ++epoch) {
      Stopwatch watch;
      for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
      double loss_sum = 0, steps = 0;
      for (size_t b = 0; b < order.size(); b += static_cast<size_t>(cfg_.batch_size)) {
        std::vector<std::vector<uint32_t>> batch;
        for (size_t i = b; i < std::min(order.size(), b + cfg_.batch_size); ++i)
          batch.push_back(real_[order[i]]);
        loss_sum += mle_step(batch, rng, g_opt, emb_opt, w_opt, b_opt, &steps);
      }
      spdlog::info("seqgan: maximum likelihood epoch {}: loss {:.4f} per event, {:.1f} s", epoch,
                   loss_sum / steps, watch.seconds());
      report_["mle"].push_back(
          {{"epoch", epoch}, {"loss", loss_sum / steps}, {"seconds", watch.seconds()}});
    }
    adversarial(rng);
    gen_->eval();
    real_.clear();
  }

  std::vector<std::vector<uint32_t>> generate(size_t n, Rng& rng, const CopyIndex* guard,
                                              GenerateStats* stats) const override {
    torch::NoGradGuard no_grad;
    // A batch's [512, catalogue] softmax and draws are split over two threads (1 after).
    struct ComputeThreads {
      ComputeThreads() { set_compute_threads(2); }
      ~ComputeThreads() { set_compute_threads(1); }
    } threads;
    std::vector<std::vector<uint32_t>> out;
    out.reserve(n);
    torch::Generator tg = at::detail::createCPUGenerator(rng.next());
    for (size_t done = 0; done < n;) {
      const size_t b = std::min<size_t>(512, n - done);
      auto batch = sample(b, tg, guard, stats, nullptr);
      for (auto& s : batch) out.push_back(std::move(s));
      done += b;
    }
    return out;
  }

  void save_weights(const std::string& path) const override { save_tensors(named(), path); }
  void load_weights(const std::string& path, uint32_t num_items) override {
    build(num_items);
    load_tensors(named(), path);
    gen_->eval();
  }

 private:
  void build(uint32_t num_items) {
    KAIROS_CHECK(num_items >= 2, "seqgan: the catalogue is empty");
    num_items_ = num_items;
    gen_ = Generator(num_items, cfg_);
    disc_ = Discriminator(num_items, cfg_);
  }
  NamedTensors named() const { return named_tensors(*gen_); }

  // Summed teacher-forcing cross-entropy of a batch (sampled softmax: the step's target against
  // n_sample uniform items and the end class) and the number of targets.
  std::pair<torch::Tensor, double> mle_loss(const std::vector<std::vector<uint32_t>>& sessions,
                                            Rng& rng) {
    const Batch b = make_batch(sessions, cfg_.max_len);
    const torch::Tensor states = gen_->forward(b.inputs).first;  // [B, T, H]
    const torch::Tensor keep = b.mask.flatten().nonzero().squeeze(1);
    const torch::Tensor q = states.reshape({-1, states.size(2)}).index_select(0, keep);
    const torch::Tensor tv = b.targets.flatten().index_select(0, keep);
    const torch::Tensor negt = negatives(rng);
    const auto& w = gen_->out->weight;
    const auto& bias = gen_->out->bias;
    const torch::Tensor loss = sampled_softmax_cross_entropy(
        q, w.index_select(0, tv), log_q(tv) - bias.index_select(0, tv), w.index_select(0, negt),
        log_q(negt) - bias.index_select(0, negt), tv, negt);
    return {loss, static_cast<double>(tv.size(0))};
  }

  // One maximum-likelihood step with row-sparse item tables: the rows a batch uses are gathered
  // as leaves, so their gradients come back per use (no dense table gradient), then summed per
  // row by adam_rows. Returns the batch's summed loss; adds its targets to `targets`.
  double mle_step(const std::vector<std::vector<uint32_t>>& sessions, Rng& rng,
                  torch::optim::Adam& gru_opt, RowAdam& emb_opt, RowAdam& w_opt, RowAdam& b_opt,
                  double* targets) {
    const Batch b = make_batch(sessions, cfg_.max_len);
    const torch::Tensor in_rows = b.inputs.flatten();
    const torch::Tensor x =
        gen_->emb->weight.detach().index_select(0, in_rows).requires_grad_(true);
    const torch::Tensor states =
        std::get<0>(gen_->gru(x.view({b.inputs.size(0), b.inputs.size(1), -1})));
    const torch::Tensor keep = b.mask.flatten().nonzero().squeeze(1);
    const torch::Tensor q = states.reshape({-1, states.size(2)}).index_select(0, keep);
    const torch::Tensor tv = b.targets.flatten().index_select(0, keep);
    const torch::Tensor negt = negatives(rng);
    const torch::Tensor w = gen_->out->weight.detach(), bias = gen_->out->bias.detach();
    const torch::Tensor pos_w = w.index_select(0, tv).requires_grad_(true);
    const torch::Tensor pos_b = bias.index_select(0, tv).requires_grad_(true);
    const torch::Tensor neg_w = w.index_select(0, negt).requires_grad_(true);
    const torch::Tensor neg_b = bias.index_select(0, negt).requires_grad_(true);
    const torch::Tensor loss = sampled_softmax_cross_entropy(q, pos_w, log_q(tv) - pos_b, neg_w,
                                                             log_q(negt) - neg_b, tv, negt);
    const auto n = static_cast<double>(tv.size(0));
    gru_opt.zero_grad();
    (loss / n).backward();
    gru_opt.step();
    emb_opt.step(x.grad(), in_rows);
    const torch::Tensor out_rows = torch::cat({tv, negt});
    w_opt.step(torch::cat({pos_w.grad(), neg_w.grad()}), out_rows);
    b_opt.step(torch::cat({pos_b.grad(), neg_b.grad()}), out_rows);
    *targets += n;
    return loss.item<double>();
  }

  // The sampled softmax's logQ correction per class (each logit is lowered by it; the bias enters
  // as -bias): the end class is in every sample (log 1 = 0), an item is among the n_sample - 1
  // uniform draws log((n_sample - 1) / (items - 1)) times on average. Without it the full softmax
  // of generation under-weights the end ~items / n_sample-fold and sessions run to max_len.
  torch::Tensor log_q(const torch::Tensor& classes) const {
    const double item = std::log(std::max(1, cfg_.n_sample - 1)) - std::log(num_items_ - 1.0);
    return (classes != 0).to(torch::kFloat) * item;
  }

  // `n_sample` uniform negatives, the end class (0) always first.
  torch::Tensor negatives(Rng& rng) const {
    std::vector<int64_t> neg(static_cast<size_t>(cfg_.n_sample));
    neg[0] = 0;
    for (size_t i = 1; i < neg.size(); ++i)
      neg[i] = 1 + static_cast<int64_t>(rng.below(num_items_ - 1));
    return torch::tensor(neg);
  }

  // `b` sessions sampled from G's full softmax, step by step over the sessions still open (the
  // batch shrinks as sessions end). With `log_probs` (training), each session's summed
  // log-probability of its draws (the end included) comes back through the autograd graph; the
  // guard (generation) redraws events that complete a copied run.
  std::vector<std::vector<uint32_t>> sample(size_t b, torch::Generator& tg, const CopyIndex* guard,
                                            GenerateStats* stats, torch::Tensor* log_probs) const {
    std::vector<std::vector<uint32_t>> sessions(b);
    std::vector<int64_t> open(b);  // original rows of the open sessions, in batch order
    for (size_t r = 0; r < b; ++r) open[r] = static_cast<int64_t>(r);
    torch::Tensor input = torch::zeros({static_cast<int64_t>(b), 1}, torch::kLong), h;
    torch::Tensor total = torch::zeros({static_cast<int64_t>(b)});
    for (int step = 0; step < cfg_.max_len && !open.empty(); ++step) {
      auto [y, h_next] = gen_.ptr()->forward(input, h);
      torch::Tensor logits = gen_.ptr()->out(y.squeeze(1));  // [open, items]
      if (step == 0) {
        logits = logits.index_fill(1, torch::zeros({1}, torch::kLong),
                                   -std::numeric_limits<float>::infinity());
      }
      const torch::Tensor logp = log_probs != nullptr ? torch::log_softmax(logits, 1) : logits;
      const torch::Tensor probs =
          log_probs != nullptr ? logp.detach().exp() : torch::softmax(logits, 1);
      torch::Tensor drawn = torch::multinomial(probs, 1, true, tg).squeeze(1);  // [open]
      auto d = drawn.accessor<int64_t, 1>();
      std::vector<int64_t> keep;  // positions (in this step's batch) that stay open
      for (size_t k = 0; k < open.size(); ++k) {
        auto& s = sessions[static_cast<size_t>(open[k])];
        auto item = static_cast<uint32_t>(d[static_cast<int64_t>(k)]);
        if (guard != nullptr) {
          // Redraw an event that completes a copied run; end the session if every draw copies.
          for (int tries = 0; item != 0 && completes_copy(*guard, s, item); ++tries) {
            ++stats->redrawn;
            if (tries == 20) {
              ++stats->forced_ends;
              item = 0;
              break;
            }
            item = static_cast<uint32_t>(
                torch::multinomial(probs[static_cast<int64_t>(k)], 1, true, tg).item<int64_t>());
          }
          d[static_cast<int64_t>(k)] = item;
        }
        if (item != 0) {
          s.push_back(item);
          keep.push_back(static_cast<int64_t>(k));
        }
      }
      if (log_probs != nullptr) {
        total =
            total.index_add(0, torch::tensor(open), logp.gather(1, drawn.unsqueeze(1)).squeeze(1));
      }
      const torch::Tensor kt = torch::tensor(keep, torch::kLong);
      std::vector<int64_t> still;
      for (int64_t k : keep) still.push_back(open[static_cast<size_t>(k)]);
      open = std::move(still);
      if (open.empty()) break;
      h = h_next.index_select(1, kt);  // [layers, open, hidden]
      input = drawn.index_select(0, kt).unsqueeze(1);
    }
    for (size_t r = 0; r < b; ++r) {
      ++stats->sessions;
      stats->events += sessions[r].size();
    }
    stats->cut += open.size();
    if (log_probs != nullptr) *log_probs = total;
    return sessions;
  }

  void adversarial(Rng& rng) {
    if (cfg_.gan_steps == 0) return;
    torch::optim::Adam g_opt(gen_->parameters(), torch::optim::AdamOptions(cfg_.gan_learning_rate));
    torch::optim::Adam d_opt(disc_->parameters(), torch::optim::AdamOptions(cfg_.d_learning_rate));
    torch::Generator tg = at::detail::createCPUGenerator(rng.next());
    double baseline = 0.5;
    Stopwatch watch;
    GenerateStats unused;
    for (int step = 1; step <= cfg_.gan_steps; ++step) {
      const auto b = static_cast<size_t>(cfg_.gan_batch);
      std::vector<std::vector<uint32_t>> real;
      for (size_t i = 0; i < b; ++i) real.push_back(real_[rng.below(real_.size())]);
      // D: real against fresh samples.
      std::vector<std::vector<uint32_t>> fake;
      {
        torch::NoGradGuard no_grad;
        fake = sample(b, tg, nullptr, &unused, nullptr);
      }
      const auto [ri, rl] = padded(real);
      const auto [fi, fl] = padded(fake);
      const torch::Tensor d_loss = torch::binary_cross_entropy_with_logits(
                                       disc_->forward(ri, rl), torch::ones({int64_t(b)})) +
                                   torch::binary_cross_entropy_with_logits(
                                       disc_->forward(fi, fl), torch::zeros({int64_t(b)}));
      d_opt.zero_grad();
      d_loss.backward();
      d_opt.step();
      // G: REINFORCE with D's probability as the reward, plus a maximum-likelihood batch.
      torch::Tensor log_probs;
      const auto sampled = sample(b, tg, nullptr, &unused, &log_probs);
      torch::Tensor reward;
      {
        torch::NoGradGuard no_grad;
        const auto [si, sl] = padded(sampled);
        reward = torch::sigmoid(disc_->forward(si, sl));
      }
      const double mean_reward = reward.mean().item<double>();
      torch::Tensor g_loss = -((reward - baseline) * log_probs).mean();
      baseline = 0.9 * baseline + 0.1 * mean_reward;
      if (cfg_.mle_weight > 0) {
        const auto [loss, targets] = mle_loss(real, rng);
        g_loss = g_loss + cfg_.mle_weight * loss / targets;
      }
      g_opt.zero_grad();
      g_loss.backward();
      g_opt.step();
      if (step % 50 == 0 || step == cfg_.gan_steps) {
        spdlog::info("seqgan: adversarial step {}: D loss {:.4f}, D(sampled) {:.3f}, {:.1f} s",
                     step, d_loss.item<double>(), mean_reward, watch.seconds());
        report_["gan"].push_back({{"step", step},
                                  {"d_loss", d_loss.item<double>()},
                                  {"d_of_sampled", mean_reward},
                                  {"seconds", watch.seconds()}});
      }
    }
  }

  SeqGanConfig cfg_;
  uint32_t num_items_ = 0;
  Generator gen_{nullptr};
  Discriminator disc_{nullptr};
  std::vector<std::vector<uint32_t>> real_;
  nlohmann::json report_;
};

}  // namespace

std::unique_ptr<SessionGenerator> make_seq_gan(const nlohmann::json& hparams) {
  ConfigReader r(hparams.is_null() ? nlohmann::json::object() : hparams, "seqgan");
  SeqGanConfig c;
  r.read(c);
  r.finish();
  return std::make_unique<SeqGan>(c);
}

}  // namespace kairos
