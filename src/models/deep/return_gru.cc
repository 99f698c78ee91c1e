// The return task's sequence model (models/customers/return_model.h, name "gru"): a GRU over each
// customer's purchase occasions before the cut-off — per occasion log(1 + gap since the previous
// one), log(1 + days before the cut-off), log(1 + money) with a missing flag, log(1 + units),
// log(1 + lines) — its last hidden state joined with the standardised customer features
// (tasks/customer_window.h; missing values as 0 plus a flag) feed two heads: the logit of
// P(return) and the log of the expected count. Loss: binary cross-entropy + count_weight x Poisson
// negative log-likelihood, Adam, the shared Trainer (early stopping on the validation customers'
// log-loss of P(return)). Learns from the training window one horizon back, as the other
// supervised models do.
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "core/error.h"
#include "core/rng.h"
#include "eval/classification/binary_metrics.h"
#include "models/config_reader.h"
#include "models/customers/return_model.h"
#include "models/deep/adam_state.h"
#include "models/deep/deep_models.h"
#include "models/deep/tensor_io.h"
#include "models/deep/torch_runtime.h"
#include "models/deep/train_config.h"
#include "train/trainer.h"

namespace kairos {
namespace {

constexpr int64_t kStepInputs = 6;

struct ReturnGruConfig {
  int hidden = 32;
  int max_steps = 50;  // the last occasions read per customer
  int batch_size = 256;
  double learning_rate = 3e-3;
  double weight_decay = 1e-5;
  double dropout = 0.1;
  double count_weight = 0.5;  // weight of the Poisson term in the loss
  TrainConfig train{};

  NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(ReturnGruConfig, hidden, max_steps, batch_size,
                                              learning_rate, weight_decay, dropout, count_weight)
  void check(const std::string& model) const {
    KAIROS_CHECK_USAGE(hidden > 0 && max_steps > 0 && batch_size > 0,
                       "{}: hidden, max_steps and batch_size must be positive", model);
    KAIROS_CHECK_USAGE(dropout >= 0 && dropout < 1, "{}: dropout must be in [0, 1)", model);
    KAIROS_CHECK_USAGE(learning_rate > 0 && count_weight >= 0,
                       "{}: learning_rate must be positive, count_weight >= 0", model);
  }
  static ReturnGruConfig from_json(const nlohmann::json& j) {
    ConfigReader r(j, "gru (return)");
    ReturnGruConfig c;
    r.read(c);
    c.train = TrainConfig::read(r, 40);
    if (!j.contains("patience")) c.train.patience = 5;
    r.finish();
    return c;
  }
  nlohmann::json to_json() const {
    nlohmann::json j = *this;
    j.update(nlohmann::json(train));
    return j;
  }
};

struct ReturnNetImpl : torch::nn::Module {
  ReturnNetImpl(int64_t statics, const ReturnGruConfig& c)
      : gru(register_module(
            "gru", torch::nn::GRU(torch::nn::GRUOptions(kStepInputs, c.hidden).batch_first(true)))),
        mix(register_module("mix", torch::nn::Linear(c.hidden + statics, c.hidden))),
        heads(register_module("heads", torch::nn::Linear(c.hidden, 2))),
        dropout(c.dropout) {}

  // steps [B, L, kStepInputs] right-padded, lengths [B] (>= 1), statics [B, S] -> [B, 2]:
  // (logit of P(return), log expected count).
  torch::Tensor forward(const torch::Tensor& steps, const torch::Tensor& lengths,
                        const torch::Tensor& statics) {
    const torch::Tensor h = std::get<0>(gru(steps));  // [B, L, H]
    const torch::Tensor idx = (lengths - 1).view({-1, 1, 1}).expand({h.size(0), 1, h.size(2)});
    const torch::Tensor last = h.gather(1, idx).squeeze(1);  // [B, H]
    torch::Tensor z = torch::relu(mix(torch::cat({last, statics}, 1)));
    z = torch::dropout(z, dropout, is_training());
    return heads(z);
  }

  torch::nn::GRU gru;
  torch::nn::Linear mix, heads;
  double dropout;
};
TORCH_MODULE(ReturnNet);

// The network's inputs for rows [begin, end) of a window's features.
struct Batch {
  torch::Tensor steps, lengths, statics;
};

class ReturnGru final : public ReturnModel, public Trainable {
 public:
  explicit ReturnGru(const nlohmann::json& h) : cfg_(ReturnGruConfig::from_json(h)) {}
  std::string name() const override { return "gru"; }
  bool supervised() const override { return true; }

  void fit(const ReturnFitData& d) override {
    KAIROS_CHECK(d.train.features.rows() > 0, "gru: the training window has no customers");
    set_compute_threads(1);
    seed_torch(cfg_.train.seed);
    rng_ = Rng(cfg_.train.seed);
    standardise(d.train.features);
    net_ = ReturnNet(static_cast<int64_t>(2 * d.train.features.dim), cfg_);
    train_ = &d.train;
    valid_ = &d.valid;
    optimizer_ = std::make_unique<torch::optim::Adam>(
        net_->parameters(),
        torch::optim::AdamOptions(cfg_.learning_rate).weight_decay(cfg_.weight_decay));
    TrainOptions o = cfg_.train.options("gru (return)", RunOptions{});
    o.task = Task::kReturn;
    Validator v;
    if (cfg_.train.validate && d.valid.features.rows() > 0) {
      v = [this](EpochRecord*) {
        const ReturnPredictions p = predict(valid_->features, valid_->labels.horizon_days);
        return eval::log_loss(p.p_return, valid_->labels.returns);
      };
    }
    summary_ = run_training(*this, v, o);
    net_->eval();
    training_horizon_ = d.train.labels.horizon_days;
    train_ = valid_ = nullptr;
    optimizer_.reset();
    best_.clear();
  }

  ReturnPredictions predict(const CustomerFeatures& f, int32_t horizon_days) const override {
    KAIROS_CHECK_USAGE(training_horizon_ == 0 || horizon_days == training_horizon_,
                       "gru: fitted for a {}-day horizon, asked for {}", training_horizon_,
                       horizon_days);
    torch::NoGradGuard no_grad;
    const bool was_training = net_->is_training();
    net_->eval();
    ReturnPredictions out;
    for (size_t b = 0; b < f.rows(); b += 1024) {
      const size_t e = std::min(f.rows(), b + 1024);
      const Batch x = batch(f, b, e);
      const torch::Tensor y = net_->forward(x.steps, x.lengths, x.statics);
      const torch::Tensor p = torch::sigmoid(y.select(1, 0)).to(torch::kDouble).contiguous();
      const torch::Tensor c = torch::exp(y.select(1, 1)).to(torch::kDouble).contiguous();
      out.p_return.insert(out.p_return.end(), p.data_ptr<double>(),
                          p.data_ptr<double>() + p.numel());
      out.expected.insert(out.expected.end(), c.data_ptr<double>(),
                          c.data_ptr<double>() + c.numel());
    }
    if (was_training) net_->train();
    return out;
  }

  nlohmann::json details() const override {
    return {{"hparams", cfg_.to_json()}, {"training", to_json(summary_)}};
  }

  // ---- Trainable ----
  uint64_t events_per_epoch() const override { return train_->features.rows(); }

  void begin_epoch(int, double lr_factor) override {
    threads_.emplace(2);
    net_->train();
    set_adam_lr(*optimizer_, cfg_.learning_rate * lr_factor);
    order_.resize(train_->features.rows());
    for (size_t i = 0; i < order_.size(); ++i) order_[i] = static_cast<uint32_t>(i);
    for (size_t i = order_.size(); i > 1; --i) std::swap(order_[i - 1], order_[rng_.below(i)]);
    next_ = 0;
  }

  bool forward_backward(EpochProgress* progress) override {
    if (next_ >= order_.size()) return false;
    const size_t end = std::min(order_.size(), next_ + static_cast<size_t>(cfg_.batch_size));
    std::vector<uint32_t> rows(order_.begin() + next_, order_.begin() + end);
    next_ = end;
    const Batch x = batch(train_->features, rows);
    std::vector<float> y, count;
    for (uint32_t r : rows) {
      y.push_back(static_cast<float>(train_->labels.returns[r]));
      count.push_back(static_cast<float>(train_->labels.count[r]));
    }
    const torch::Tensor out = net_->forward(x.steps, x.lengths, x.statics);
    const torch::Tensor target = torch::tensor(y);
    const torch::Tensor counts = torch::tensor(count);
    const torch::Tensor bce = torch::binary_cross_entropy_with_logits(out.select(1, 0), target, {},
                                                                      {}, torch::Reduction::Sum);
    const torch::Tensor log_rate = out.select(1, 1);
    const torch::Tensor poisson = (torch::exp(log_rate) - counts * log_rate).sum();
    const torch::Tensor loss = bce + cfg_.count_weight * poisson;
    progress->loss_sum += bce.item<double>();
    progress->events += rows.size();
    optimizer_->zero_grad();
    (loss / static_cast<double>(rows.size())).backward();
    return true;
  }

  void apply_update() override {
    torch::nn::utils::clip_grad_norm_(net_->parameters(), 5.0);
    optimizer_->step();
  }
  void end_epoch() override {
    net_->eval();
    threads_.reset();
  }
  void keep_best() override { best_ = snapshot(net_->parameters()); }
  void restore_best() override { restore(net_->parameters(), best_); }

 private:
  // z-scores of the static features from the training rows (NaN skipped).
  void standardise(const CustomerFeatures& f) {
    mean_.assign(f.dim, 0.0);
    scale_.assign(f.dim, 1.0);
    std::vector<double> sq(f.dim, 0.0), n(f.dim, 0.0);
    for (size_t i = 0; i < f.rows(); ++i) {
      for (size_t j = 0; j < f.dim; ++j) {
        const double v = transformed(f.x[i * f.dim + j]);
        if (std::isnan(v)) continue;
        mean_[j] += v;
        sq[j] += v * v;
        n[j] += 1;
      }
    }
    for (size_t j = 0; j < f.dim; ++j) {
      if (n[j] == 0) continue;
      mean_[j] /= n[j];
      const double var = sq[j] / n[j] - mean_[j] * mean_[j];
      scale_[j] = var > 1e-12 ? 1.0 / std::sqrt(var) : 0.0;
    }
  }
  // Counts, days and money are heavy-tailed: signed log(1 + |v|).
  static double transformed(float v) {
    return std::isnan(v) ? NAN : std::copysign(std::log1p(std::abs(static_cast<double>(v))), v);
  }

  Batch batch(const CustomerFeatures& f, size_t begin, size_t end) const {
    std::vector<uint32_t> rows;
    for (size_t i = begin; i < end; ++i) rows.push_back(static_cast<uint32_t>(i));
    return batch(f, rows);
  }

  Batch batch(const CustomerFeatures& f, const std::vector<uint32_t>& rows) const {
    const auto b = static_cast<int64_t>(rows.size());
    int64_t len = 1;
    for (uint32_t r : rows) {
      const auto n = static_cast<int64_t>(f.history_offsets[r + 1] - f.history_offsets[r]);
      len = std::max(len, std::min<int64_t>(n, cfg_.max_steps));
    }
    std::vector<float> steps(static_cast<size_t>(b * len * kStepInputs), 0.0f);
    std::vector<int64_t> lengths(rows.size());
    const auto dim = static_cast<int64_t>(f.dim);
    std::vector<float> statics(static_cast<size_t>(b * 2 * dim), 0.0f);
    for (int64_t i = 0; i < b; ++i) {
      const uint32_t r = rows[i];
      const uint64_t hb = f.history_offsets[r], he = f.history_offsets[r + 1];
      const uint64_t first =
          he - hb > static_cast<uint64_t>(cfg_.max_steps) ? he - cfg_.max_steps : hb;
      lengths[i] = static_cast<int64_t>(he - first);
      for (uint64_t k = first; k < he; ++k) {
        float* s =
            &steps[static_cast<size_t>((i * len + static_cast<int64_t>(k - first)) * kStepInputs)];
        const float amount = f.history_amount[k];
        s[0] =
            k > hb ? std::log1p(static_cast<float>(f.history_day[k] - f.history_day[k - 1])) : 0.0f;
        s[1] = std::log1p(static_cast<float>(f.cutoff - f.history_day[k]));
        s[2] = std::isnan(amount) ? 0.0f : std::log1p(std::max(0.0f, amount));
        s[3] = std::isnan(amount) ? 1.0f : 0.0f;
        s[4] = std::log1p(std::max(0.0f, f.history_quantity[k]));
        s[5] = std::log1p(f.history_lines[k]);
      }
      for (int64_t j = 0; j < dim; ++j) {
        const double v = transformed(f.x[r * f.dim + j]);
        float* s = &statics[static_cast<size_t>(i * 2 * dim)];
        if (std::isnan(v)) {
          s[dim + j] = 1.0f;
        } else {
          s[j] = static_cast<float>((v - mean_[j]) * scale_[j]);
        }
      }
    }
    Batch x;
    x.steps = torch::from_blob(steps.data(), {b, len, kStepInputs}).clone();
    x.lengths = torch::from_blob(lengths.data(), {b}, torch::kLong).clone();
    x.statics = torch::from_blob(statics.data(), {b, 2 * dim}).clone();
    return x;
  }

  ReturnGruConfig cfg_;
  mutable ReturnNet net_{nullptr};
  std::unique_ptr<torch::optim::Adam> optimizer_;
  std::vector<double> mean_, scale_;
  const CustomerWindow* train_ = nullptr;
  const CustomerWindow* valid_ = nullptr;
  std::vector<uint32_t> order_;
  size_t next_ = 0;
  Rng rng_{42};
  std::optional<TrainingThreads> threads_;
  std::vector<torch::Tensor> best_;
  TrainSummary summary_;
  int32_t training_horizon_ = 0;
};

}  // namespace

std::unique_ptr<ReturnModel> make_return_gru(const nlohmann::json& hparams) {
  return std::make_unique<ReturnGru>(hparams);
}

}  // namespace kairos
