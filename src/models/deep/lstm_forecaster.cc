// The demand task's global LSTM (models/forecast/forecaster.h, name "lstm"): one network for every
// series. A sample is a series at an origin: its last `window` days, each divided by the series'
// scale at the origin (1 + the mean of its last 28 days) and joined with the day's weekday
// (one-hot); an LSTM reads them and a linear layer maps its last state to the next `horizon`
// days, scaled the same way. Loss `poisson` (default): the network gives log rates and the
// Poisson negative log-likelihood of the scaled units makes the forecast a mean (unbiased, what
// planning sums up); `mae`: the absolute error of the scaled values, a median — lower daily WAPE
// on intermittent series but biased low (docs/BENCHMARKS.md has both). Adam, the shared Trainer.
// Trained at weekly origins before the forecast origin (the latest one is the validation set for
// early stopping), refitted at every forecast call (rolling origin).
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "core/error.h"
#include "core/rng.h"
#include "models/config_reader.h"
#include "models/deep/adam_state.h"
#include "models/deep/deep_models.h"
#include "models/deep/tensor_io.h"
#include "models/deep/torch_runtime.h"
#include "models/deep/train_config.h"
#include "train/trainer.h"

namespace kairos {
namespace {

constexpr int64_t kInputs = 1 + 7;  // scaled units, weekday one-hot

struct LstmForecastConfig {
  int window = 56;  // days read per sample
  int hidden = 32;
  int train_origins = 26;  // weekly origins before the forecast origin
  int batch_size = 256;
  double learning_rate = 3e-3;
  std::string loss = "poisson";  // poisson | mae
  TrainConfig train{};

  NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(LstmForecastConfig, window, hidden, train_origins,
                                              batch_size, learning_rate, loss)
  void check(const std::string& model) const {
    KAIROS_CHECK_USAGE(window >= 7 && hidden > 0 && train_origins >= 2 && batch_size > 0,
                       "{}: window >= 7, hidden > 0, train_origins >= 2, batch_size > 0", model);
    KAIROS_CHECK_USAGE(learning_rate > 0, "{}: learning_rate must be positive", model);
    KAIROS_CHECK_USAGE(loss == "poisson" || loss == "mae", "{}: loss is poisson or mae, not '{}'",
                       model, loss);
  }
  static LstmForecastConfig from_json(const nlohmann::json& j) {
    return read_model_config<LstmForecastConfig>(j, "lstm (forecast)", 20);
  }
  nlohmann::json to_json() const { return model_config_json(*this); }
};

struct NetImpl : torch::nn::Module {
  NetImpl(const LstmForecastConfig& c, int64_t horizon)
      : lstm(register_module(
            "lstm", torch::nn::LSTM(torch::nn::LSTMOptions(kInputs, c.hidden).batch_first(true)))),
        out(register_module("out", torch::nn::Linear(c.hidden, horizon))) {}
  torch::Tensor forward(const torch::Tensor& x) {  // [B, W, kInputs] -> [B, horizon]
    const torch::Tensor h = std::get<0>(lstm(x));
    return out(h.select(1, h.size(1) - 1));
  }
  torch::nn::LSTM lstm;
  torch::nn::Linear out;
};
TORCH_MODULE(Net);

// Samples: inputs [N, W, kInputs], scaled targets [N, H] and the scales [N].
struct Samples {
  std::vector<float> x, y, scale;
  size_t size() const { return scale.size(); }
};

class LstmForecaster final : public Forecaster, public Trainable {
 public:
  LstmForecaster(const nlohmann::json& h, uint64_t seed) : cfg_(LstmForecastConfig::from_json(h)) {
    if (!h.contains("seed")) cfg_.train.seed = seed;
  }
  std::string name() const override { return "lstm"; }

  std::vector<float> forecast(const DemandSeries& h, int horizon) override {
    KAIROS_CHECK_USAGE(horizon >= 1 && horizon <= 7, "lstm (forecast): horizons of 1 to 7 days");
    horizon_ = horizon;
    set_compute_threads(1);
    seed_torch(cfg_.train.seed);
    rng_ = Rng(cfg_.train.seed);
    train_ = valid_ = Samples{};
    const size_t o = h.days, w = static_cast<size_t>(cfg_.window);
    for (int j = 1; j <= cfg_.train_origins; ++j) {
      if (o < 7 * static_cast<size_t>(j) + w + 28) break;
      add_samples(h, o - 7 * j, /*targets=*/true, j == 1 ? &valid_ : &train_);
    }
    KAIROS_CHECK(train_.size() > 0, "lstm (forecast): needs {} days of history, has {}",
                 w + 28 + 14, o);
    net_ = Net(cfg_, horizon);
    optimizer_ = std::make_unique<torch::optim::Adam>(
        net_->parameters(), torch::optim::AdamOptions(cfg_.learning_rate));
    TrainOptions opts = cfg_.train.options("lstm (forecast)", RunOptions{});
    opts.task = Task::kDemand;
    Validator v;
    if (cfg_.train.validate && valid_.size() > 0) {
      v = [this](EpochRecord*) { return scaled_wape(valid_); };
    }
    summary_ = run_training(*this, v, opts);
    net_->eval();
    optimizer_.reset();
    best_.clear();
    Samples query;
    add_samples(h, o, /*targets=*/false, &query);
    const std::vector<float> f = predict(query);
    train_ = valid_ = Samples{};
    return f;
  }

  nlohmann::json details() const override {
    return {{"hparams", cfg_.to_json()},
            {"best_epoch", summary_.best_epoch + 1},
            {"epochs", summary_.epochs.size()},
            {"best_valid_scaled_WAPE", summary_.best_valid_value}};
  }

  // ---- Trainable ----
  uint64_t events_per_epoch() const override { return train_.size(); }
  void begin_epoch(int, double lr_factor) override {
    threads_.emplace(2);
    net_->train();
    set_adam_lr(*optimizer_, cfg_.learning_rate * lr_factor);
    order_.resize(train_.size());
    for (size_t i = 0; i < order_.size(); ++i) order_[i] = static_cast<uint32_t>(i);
    for (size_t i = order_.size(); i > 1; --i) std::swap(order_[i - 1], order_[rng_.below(i)]);
    next_ = 0;
  }
  bool forward_backward(EpochProgress* progress) override {
    if (next_ >= order_.size()) return false;
    const size_t end = std::min(order_.size(), next_ + static_cast<size_t>(cfg_.batch_size));
    const std::vector<uint32_t> rows(order_.begin() + next_, order_.begin() + end);
    next_ = end;
    const auto [x, y] = batch(train_, rows);
    const torch::Tensor out = net_->forward(x);
    const torch::Tensor loss =
        cfg_.loss == "mae" ? (out - y).abs().sum() : (torch::exp(out) - y * out).sum();
    progress->loss_sum += loss.item<double>() / horizon_;
    progress->events += rows.size();
    optimizer_->zero_grad();
    (loss / static_cast<double>(rows.size() * horizon_)).backward();
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
  // One sample per series at `origin`: the window before it and (with targets) the horizon after.
  void add_samples(const DemandSeries& h, size_t origin, bool targets, Samples* out) const {
    const size_t w = static_cast<size_t>(cfg_.window);
    for (size_t i = 0; i < h.size(); ++i) {
      const auto s = h.series(i);
      double m = 0;
      for (size_t d = origin - 28; d < origin; ++d) m += s[d];
      const double scale = 1.0 + m / 28;
      for (size_t d = origin - w; d < origin; ++d) {
        out->x.push_back(static_cast<float>(s[d] / scale));
        const int weekday = (((h.start_day + static_cast<int32_t>(d)) % 7) + 7 + 3) % 7;
        for (int k = 0; k < 7; ++k) out->x.push_back(k == weekday ? 1.0f : 0.0f);
      }
      if (targets) {
        for (int k = 0; k < horizon_; ++k)
          out->y.push_back(static_cast<float>(s[origin + k] / scale));
      }
      out->scale.push_back(static_cast<float>(scale));
    }
  }

  std::pair<torch::Tensor, torch::Tensor> batch(const Samples& s,
                                                const std::vector<uint32_t>& rows) const {
    const int64_t w = cfg_.window, b = static_cast<int64_t>(rows.size());
    torch::Tensor x = torch::empty({b, w, kInputs});
    torch::Tensor y = torch::empty({b, horizon_});
    float* px = x.data_ptr<float>();
    float* py = y.data_ptr<float>();
    const size_t xs = static_cast<size_t>(w * kInputs);
    for (int64_t i = 0; i < b; ++i) {
      std::copy_n(s.x.begin() + static_cast<std::ptrdiff_t>(rows[i] * xs), xs, px + i * xs);
      if (!s.y.empty()) {
        std::copy_n(s.y.begin() + static_cast<std::ptrdiff_t>(rows[i] * horizon_), horizon_,
                    py + i * horizon_);
      }
    }
    return {x, y};
  }

  // Unscaled forecasts, clipped at 0, series x horizon.
  std::vector<float> predict(const Samples& s) const {
    torch::NoGradGuard no_grad;
    std::vector<float> out;
    for (size_t b = 0; b < s.size(); b += 1024) {
      std::vector<uint32_t> rows;
      for (size_t i = b; i < std::min(s.size(), b + 1024); ++i)
        rows.push_back(static_cast<uint32_t>(i));
      torch::Tensor f = net_->forward(batch(s, rows).first);
      if (cfg_.loss != "mae") f = torch::exp(f);
      f = f.contiguous();
      const float* p = f.data_ptr<float>();
      for (size_t r = 0; r < rows.size(); ++r) {
        for (int k = 0; k < horizon_; ++k)
          out.push_back(std::max(0.0f, p[r * horizon_ + k] * s.scale[rows[r]]));
      }
    }
    return out;
  }

  // Validation: WAPE of the unscaled forecasts.
  double scaled_wape(const Samples& s) const {
    const bool training = net_->is_training();
    net_->eval();
    const std::vector<float> f = predict(s);
    if (training) net_->train();
    double err = 0, sum = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      for (int k = 0; k < horizon_; ++k) {
        const double y = s.y[i * horizon_ + k] * s.scale[i];
        err += std::abs(f[i * horizon_ + k] - y);
        sum += y;
      }
    }
    return sum > 0 ? err / sum : 0.0;
  }

  LstmForecastConfig cfg_;
  mutable Net net_{nullptr};
  std::unique_ptr<torch::optim::Adam> optimizer_;
  Samples train_, valid_;
  int horizon_ = 7;
  std::vector<uint32_t> order_;
  size_t next_ = 0;
  Rng rng_{42};
  std::optional<TrainingThreads> threads_;
  std::vector<torch::Tensor> best_;
  TrainSummary summary_;
};

}  // namespace

std::unique_ptr<Forecaster> make_lstm_forecaster(const nlohmann::json& hparams, uint64_t seed) {
  return std::make_unique<LstmForecaster>(hparams, seed);
}

}  // namespace kairos
