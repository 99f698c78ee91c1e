// The audience task's cold-start model (models/audience/audience_model.h, name "cold-start"):
//   1. customer and item embeddings from the purchases before the cut-off: matrix factorisation
//      with the BPR loss (Rendle et al. 2009; a bought item above a uniformly drawn one), Adam, the
//      shared Trainer (fixed epochs: there is no labelled validation set for this stage);
//   2. a linear map from an item's attributes — its description tokens (bag of words) and log
//      price — to its learned embedding, fitted by ridge regression on the existing items (closed
//      form, torch::linalg::solve): "cold-start embeddings trained to match the learned ones";
//   3. a new item's score for a customer: customer embedding . mapped attributes.
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include "core/error.h"
#include "core/rng.h"
#include "models/audience/audience_model.h"
#include "models/config_reader.h"
#include "models/deep/adam_state.h"
#include "models/deep/deep_models.h"
#include "models/deep/torch_runtime.h"
#include "models/deep/train_config.h"
#include "tasks/new_item_audience.h"
#include "train/trainer.h"

namespace kairos {
namespace {

struct ColdStartConfig {
  int dim = 32;
  int batch_size = 1024;
  double learning_rate = 1e-2;
  double weight_decay = 1e-5;
  double ridge = 1.0;       // L2 weight of the attribute map
  int min_token_items = 2;  // tokens on fewer existing items are dropped
  TrainConfig train{};

  NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(ColdStartConfig, dim, batch_size, learning_rate,
                                              weight_decay, ridge, min_token_items)
  void check(const std::string& model) const {
    KAIROS_CHECK_USAGE(dim > 0 && batch_size > 0 && learning_rate > 0 && ridge > 0,
                       "{}: dim, batch_size, learning_rate and ridge must be positive", model);
  }
  static ColdStartConfig from_json(const nlohmann::json& j) {
    ConfigReader r(j, "cold-start");
    ColdStartConfig c;
    r.read(c);
    c.train = TrainConfig::read(r, 15);
    r.finish();
    return c;
  }
};

class ColdStart final : public AudienceModel, public Trainable {
 public:
  explicit ColdStart(const nlohmann::json& h) : cfg_(ColdStartConfig::from_json(h)) {}
  std::string name() const override { return "cold-start"; }

  void fit(const Transactions& h, std::span<const uint32_t> customers) override {
    set_compute_threads(1);
    seed_torch(cfg_.train.seed);
    rng_ = Rng(cfg_.train.seed);
    std::unordered_map<uint32_t, uint32_t> index;
    for (uint32_t i = 0; i < customers.size(); ++i) index[customers[i]] = i;
    std::set<std::pair<uint32_t, uint32_t>> pairs;
    std::vector<bool> sold(h.items.size(), false);
    for (size_t i = 0; i < h.size(); ++i) {
      const auto c = index.find(h.customer[i]);
      if (c == index.end() || h.item[i] == UINT32_MAX) continue;
      pairs.emplace(c->second, h.item[i]);
      sold[h.item[i]] = true;
    }
    KAIROS_CHECK(!pairs.empty(), "cold-start: no purchases with items before the cut-off");
    positives_.assign(pairs.begin(), pairs.end());
    items_ = static_cast<int64_t>(h.items.size());
    users_ = torch::nn::Embedding(static_cast<int64_t>(customers.size()), cfg_.dim);
    item_emb_ = torch::nn::Embedding(items_, cfg_.dim);
    {
      torch::NoGradGuard no_grad;
      users_->weight.normal_(0, 0.1);
      item_emb_->weight.normal_(0, 0.1);
    }
    std::vector<torch::Tensor> params = users_->parameters();
    for (const auto& p : item_emb_->parameters()) params.push_back(p);
    optimizer_ = std::make_unique<torch::optim::Adam>(
        params, torch::optim::AdamOptions(cfg_.learning_rate).weight_decay(cfg_.weight_decay));
    TrainOptions o = cfg_.train.options("cold-start (BPR)", RunOptions{});
    o.task = Task::kAudience;
    o.validate = false;
    run_training(*this, Validator{}, o);
    optimizer_.reset();
    fit_attribute_map(h, sold);
  }

  void score(std::string_view text, double price, std::span<float> out) const override {
    KAIROS_CHECK_USAGE(out.size() == static_cast<size_t>(users_->weight.size(0)),
                       "cold-start: {} scores for {} customers", out.size(),
                       users_->weight.size(0));
    torch::NoGradGuard no_grad;
    const torch::Tensor x = attributes(text, price).unsqueeze(0);  // [1, F]
    const torch::Tensor v = torch::mm(x, map_).squeeze(0);         // [d]
    const torch::Tensor s = torch::mv(users_->weight, v).contiguous();
    std::copy_n(s.data_ptr<float>(), out.size(), out.begin());
  }

  // ---- Trainable (BPR epochs) ----
  uint64_t events_per_epoch() const override { return positives_.size(); }
  void begin_epoch(int, double lr_factor) override {
    threads_.emplace(2);
    set_adam_lr(*optimizer_, cfg_.learning_rate * lr_factor);
    for (size_t i = positives_.size(); i > 1; --i)
      std::swap(positives_[i - 1], positives_[rng_.below(i)]);
    next_ = 0;
  }
  bool forward_backward(EpochProgress* progress) override {
    if (next_ >= positives_.size()) return false;
    const size_t end = std::min(positives_.size(), next_ + static_cast<size_t>(cfg_.batch_size));
    const auto b = static_cast<int64_t>(end - next_);
    torch::Tensor u = torch::empty({b}, torch::kLong), i = torch::empty({b}, torch::kLong);
    torch::Tensor j = torch::empty({b}, torch::kLong);
    auto pu = u.accessor<int64_t, 1>(), pi = i.accessor<int64_t, 1>(),
         pj = j.accessor<int64_t, 1>();
    for (int64_t k = 0; k < b; ++k) {
      pu[k] = positives_[next_ + k].first;
      pi[k] = positives_[next_ + k].second;
      pj[k] = static_cast<int64_t>(rng_.below(static_cast<uint64_t>(items_)));
    }
    next_ = end;
    const torch::Tensor eu = users_(u);
    const torch::Tensor diff = (eu * (item_emb_(i) - item_emb_(j))).sum(1);
    const torch::Tensor loss = -torch::log_sigmoid(diff).sum();
    progress->loss_sum += loss.item<double>();
    progress->events += static_cast<uint64_t>(b);
    optimizer_->zero_grad();
    (loss / static_cast<double>(b)).backward();
    return true;
  }
  void apply_update() override { optimizer_->step(); }
  void end_epoch() override { threads_.reset(); }
  void keep_best() override {}
  void restore_best() override {}

 private:
  // Token and price features of one item: [tokens..., log1p(price), 1].
  torch::Tensor attributes(std::string_view text, double price) const {
    torch::Tensor x = torch::zeros({static_cast<int64_t>(tokens_.size()) + 2});
    auto a = x.accessor<float, 1>();
    const auto toks = item_tokens(text);
    for (const auto& t : toks) {
      const auto it = tokens_.find(t);
      if (it != tokens_.end()) a[it->second] = 1.0f / std::sqrt(static_cast<float>(toks.size()));
    }
    a[static_cast<int64_t>(tokens_.size())] =
        std::isfinite(price) ? static_cast<float>(std::log1p(std::max(0.0, price))) : 0.0f;
    a[static_cast<int64_t>(tokens_.size()) + 1] = 1.0f;
    return x;
  }

  // Ridge regression from the existing items' attributes to their learned embeddings.
  void fit_attribute_map(const Transactions& h, const std::vector<bool>& sold) {
    std::map<std::string, int> count;
    for (uint32_t it = 0; it < h.items.size(); ++it) {
      if (!sold[it] || it >= h.item_text.size()) continue;
      for (const auto& t : item_tokens(h.item_text[it])) ++count[t];
    }
    tokens_.clear();
    for (const auto& [t, n] : count) {
      if (n >= cfg_.min_token_items) tokens_.emplace(t, static_cast<int64_t>(tokens_.size()));
    }
    std::vector<torch::Tensor> rows;
    std::vector<int64_t> ids;
    for (uint32_t it = 0; it < h.items.size(); ++it) {
      if (!sold[it]) continue;
      rows.push_back(attributes(it < h.item_text.size() ? h.item_text[it] : "",
                                it < h.item_price.size() ? h.item_price[it] : NAN));
      ids.push_back(it);
    }
    torch::NoGradGuard no_grad;
    const torch::Tensor x = torch::stack(rows);                                     // [N, F]
    const torch::Tensor y = item_emb_->weight.index_select(0, torch::tensor(ids));  // [N, d]
    const torch::Tensor a = torch::mm(x.t(), x) + cfg_.ridge * torch::eye(x.size(1));
    map_ = torch::linalg::solve(a, torch::mm(x.t(), y), /*left=*/true);  // [F, d]
    const double r2 = 1.0 - (torch::mm(x, map_) - y).pow(2).sum().item<double>() /
                                (y - y.mean(0)).pow(2).sum().item<double>();
    spdlog::info("cold-start: {} existing items, {} tokens; attribute map R^2 {:.3f} on them",
                 ids.size(), tokens_.size(), r2);
  }

  ColdStartConfig cfg_;
  torch::nn::Embedding users_{nullptr}, item_emb_{nullptr};
  std::unique_ptr<torch::optim::Adam> optimizer_;
  std::vector<std::pair<uint32_t, uint32_t>> positives_;
  int64_t items_ = 0;
  size_t next_ = 0;
  Rng rng_{42};
  std::optional<TrainingThreads> threads_;
  std::map<std::string, int64_t> tokens_;
  torch::Tensor map_;
};

}  // namespace

std::unique_ptr<AudienceModel> make_cold_start_audience(const nlohmann::json& hparams) {
  return std::make_unique<ColdStart>(hparams);
}

}  // namespace kairos
