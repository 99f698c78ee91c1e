// SR-GNN (Wu et al., AAAI 2019, "Session-based Recommendation with Graph Neural Networks") behind
// SessionModel, with the ideas of two descendants as options:
//  - the session graph: the prefix's distinct items are nodes, each transition an edge; the
//    incoming and outgoing adjacency rows are normalised by degree (the official code's A_in,
//    A_out);
//  - `steps` gated-GNN steps: a_in = A_in (W_in h + b_in) + b_iah, a_out likewise, then a GRU
//    cell with input [a_in; a_out] and state h;
//  - `star` (SGNN-HN, Pan et al., CIKM 2020): a star node, the mean of the node embeddings, gates
//    into every node after each step (beta_i = sigmoid(<W_q1 h_i, W_k1 s> / sqrt(d))) and is
//    rebuilt as the attention-weighted sum of the nodes; it also enters the readout;
//  - `highway` (SGNN-HN): h = g h0 + (1 - g) h_L with g = sigmoid(W_g [h0; h_L]);
//  - `positions` (SGNN-HN, NISER+): reversed position embeddings added to the readout's inputs;
//  - `global_neighbors` > 0 (GCE-GNN, Wang et al., SIGIR 2020): each node also aggregates its
//    item's most frequent neighbours in the global transition graph of the training sessions
//    (features/item_neighbours.h), weighted by a session-aware attention, pi_j = softmax_j
//    w2^T LeakyReLU(W1 [s * e_j; log(1 + count_j)]) with s the mean of the session's node
//    embeddings; h_g = relu(W3 [h0; sum_j pi_j e_j]) is added, with dropout, to the node states
//    before the readout;
//  - readout (SR-GNN): alpha_i = q^T sigmoid(W1 v_last + W2 v_i [+ W_s star]), s_g = sum_i
//    alpha_i v_i, session vector W3 [s_g; v_last];
//  - `scale` > 0 (NISER, Gupta et al. 2019): unit-length item embeddings (input and output) and
//    session vector, scores = scale * cosine; 0: SR-GNN's inner product;
//  - `repeat` (RepeatNet's repeat / explore mixture, models/deep/repeat_mixer.h): the catalogue
//    softmax is mixed with an attention over the session's own events; scores are then the
//    mixture's log-probabilities (no retrieval form: a re-visit's score is not an inner product).
// Trained on every prefix of each training session (SR-GNN's augmentation), the last `max_len`
// events of a prefix forming its graph; full-softmax cross-entropy over the catalogue or a
// sampled softmax with logQ correction; Adam; the shared Trainer. Scoring rebuilds the graph of the
// session's last `max_len` known events (no recurrent state to carry), batched over sessions for
// evaluation. docs/models.md lists the differences from the papers.
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "core/error.h"
#include "core/rng.h"
#include "features/item_neighbours.h"
#include "features/negative_sampler.h"
#include "features/prefix_examples.h"
#include "models/attention_shares.h"
#include "models/config_reader.h"
#include "models/deep/adam_state.h"
#include "models/deep/data_parallel.h"
#include "models/deep/deep_models.h"
#include "models/deep/losses.h"
#include "models/deep/repeat_mixer.h"
#include "models/deep/tensor_io.h"
#include "models/deep/torch_runtime.h"
#include "models/deep/train_config.h"
#include "models/deep/warm_start.h"
#include "train/trainer.h"

namespace kairos {
namespace {

struct SrGnnConfig {
  int hidden = 100;             // embedding and node-state size (the paper's 100)
  int steps = 1;                // gated-GNN steps (the paper's 1)
  int max_len = 20;             // a prefix's last max_len events form its graph
  double dropout = 0.0;         // on the node embeddings
  bool star = false;            // SGNN-HN's star node
  bool highway = false;         // SGNN-HN's highway gate
  bool positions = false;       // reversed position embeddings in the readout
  double scale = 0.0;           // > 0: NISER's normalised embeddings, scores scale * cosine
  bool repeat = false;          // RepeatNet's repeat / explore mixture
  int global_neighbors = 0;     // > 0: GCE-GNN's global graph, neighbours per item (its 12)
  int global_window = 3;        // global graph: items within this many positions (GCE-GNN's 3)
  double global_dropout = 0.5;  // on the global context (GCE-GNN's dropout_global)
  std::string loss = "full";    // full | sampled
  int n_sample = 2048;          // sampled: shared negatives per batch
  double sample_alpha = 0.0;    // sampled: negatives ~ popularity^alpha (logQ corrected)
  int batch_size = 100;         // prefixes per batch (the paper's 100)
  double learning_rate = 1e-3;  // Adam (the paper's)
  double weight_decay = 1e-5;   // Adam's L2 (the paper's)
  double clip_norm = 0.0;       // gradient clipping (0 = off)
  TrainConfig train{};          // the shared training keys, saved in the same flat object

  NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(SrGnnConfig, hidden, steps, max_len, dropout, star,
                                              highway, positions, scale, repeat, global_neighbors,
                                              global_window, global_dropout, loss, n_sample,
                                              sample_alpha, batch_size, learning_rate, weight_decay,
                                              clip_norm)
  void check(const std::string& model) const {
    KAIROS_CHECK_USAGE(hidden > 0 && steps > 0 && max_len > 0 && batch_size > 0,
                       "{}: hidden, steps, max_len and batch_size must be positive", model);
    KAIROS_CHECK_USAGE(dropout >= 0 && dropout < 1, "{}: dropout must be in [0, 1)", model);
    KAIROS_CHECK_USAGE(scale >= 0, "{}: scale must be >= 0", model);
    KAIROS_CHECK_USAGE(global_neighbors >= 0 && global_window > 0,
                       "{}: global_neighbors must be >= 0 and global_window positive", model);
    KAIROS_CHECK_USAGE(global_dropout >= 0 && global_dropout < 1,
                       "{}: global_dropout must be in [0, 1)", model);
    KAIROS_CHECK_USAGE(loss == "full" || loss == "sampled", "{}: loss must be full or sampled",
                       model);
    KAIROS_CHECK_USAGE(loss == "full" || n_sample > 0, "{}: n_sample must be positive", model);
    KAIROS_CHECK_USAGE(learning_rate > 0, "{}: learning_rate must be positive", model);
  }
  static SrGnnConfig from_json(const nlohmann::json& j) {
    return read_model_config<SrGnnConfig>(j, "srgnn", 10);
  }
  nlohmann::json to_json() const { return model_config_json(*this); }
};

// A batch of session graphs, padded to the largest: nodes [B, N] (item ids, 0 = padding), the
// normalised adjacency a_in / a_out [B, N, N], the node of each event alias [B, L] with its mask
// [B, L] (events right-padded), the node mask [B, N] and the last event's position [B].
struct GraphBatch {
  torch::Tensor nodes, a_in, a_out, alias, mask, node_mask, last;
  // The item of each event position [B, L] (0 at padding).
  torch::Tensor event_items() const { return nodes.gather(1, alias) * mask.to(torch::kLong); }
};

// `seqs`: each a non-empty list of item ids, oldest first.
GraphBatch make_graph_batch(const std::vector<std::span<const uint32_t>>& seqs) {
  const auto b = static_cast<int64_t>(seqs.size());
  int64_t l = 0;
  for (const auto& s : seqs) l = std::max<int64_t>(l, static_cast<int64_t>(s.size()));
  GraphBatch g;
  g.alias = torch::zeros({b, l}, torch::kLong);
  g.mask = torch::zeros({b, l});
  g.last = torch::zeros({b}, torch::kLong);
  std::vector<std::vector<uint32_t>> nodes(seqs.size());
  std::vector<std::vector<int64_t>> alias(seqs.size());
  int64_t n_max = 1;
  for (size_t r = 0; r < seqs.size(); ++r) {
    for (uint32_t item : seqs[r]) {
      const auto it = std::find(nodes[r].begin(), nodes[r].end(), item);
      alias[r].push_back(it - nodes[r].begin());
      if (it == nodes[r].end()) nodes[r].push_back(item);
    }
    n_max = std::max<int64_t>(n_max, static_cast<int64_t>(nodes[r].size()));
  }
  g.nodes = torch::zeros({b, n_max}, torch::kLong);
  g.node_mask = torch::zeros({b, n_max});
  g.a_in = torch::zeros({b, n_max, n_max});
  g.a_out = torch::zeros({b, n_max, n_max});
  auto nd = g.nodes.accessor<int64_t, 2>();
  auto nm = g.node_mask.accessor<float, 2>();
  auto al = g.alias.accessor<int64_t, 2>();
  auto mk = g.mask.accessor<float, 2>();
  auto ls = g.last.accessor<int64_t, 1>();
  auto ain = g.a_in.accessor<float, 3>();
  auto aout = g.a_out.accessor<float, 3>();
  std::vector<uint8_t> edge;
  for (size_t r = 0; r < seqs.size(); ++r) {
    const auto ri = static_cast<int64_t>(r);
    const size_t n = nodes[r].size();
    for (size_t j = 0; j < n; ++j) {
      nd[ri][static_cast<int64_t>(j)] = nodes[r][j];
      nm[ri][static_cast<int64_t>(j)] = 1;
    }
    for (size_t j = 0; j < alias[r].size(); ++j) {
      al[ri][static_cast<int64_t>(j)] = alias[r][j];
      mk[ri][static_cast<int64_t>(j)] = 1;
    }
    ls[ri] = static_cast<int64_t>(alias[r].size()) - 1;
    // Edges as a set (a repeated transition counts once, as in the official code).
    edge.assign(n * n, 0);
    for (size_t j = 0; j + 1 < alias[r].size(); ++j) edge[alias[r][j] * n + alias[r][j + 1]] = 1;
    std::vector<int> out_deg(n, 0), in_deg(n, 0);
    for (size_t u = 0; u < n; ++u) {
      for (size_t v = 0; v < n; ++v) {
        out_deg[u] += edge[u * n + v];
        in_deg[v] += edge[u * n + v];
      }
    }
    for (size_t u = 0; u < n; ++u) {
      for (size_t v = 0; v < n; ++v) {
        if (edge[u * n + v] == 0) continue;
        const auto ui = static_cast<int64_t>(u), vi = static_cast<int64_t>(v);
        aout[ri][ui][vi] = 1.0f / static_cast<float>(out_deg[u]);
        ain[ri][vi][ui] = 1.0f / static_cast<float>(in_deg[v]);
      }
    }
  }
  return g;
}

torch::Tensor unit_rows(const torch::Tensor& t) { return t / t.norm(2, -1, true).clamp_min(1e-12); }

torch::nn::Linear linear(int64_t in, int64_t out, bool bias = true) {
  return torch::nn::Linear(torch::nn::LinearOptions(in, out).bias(bias));
}

struct SrGnnNetImpl : torch::nn::Module {
  SrGnnNetImpl(int64_t items, const SrGnnConfig& c)
      : cfg(c),
        item_emb(register_module(
            "item_emb",
            torch::nn::Embedding(torch::nn::EmbeddingOptions(items, c.hidden).padding_idx(0)))),
        edge_in(register_module("edge_in", linear(c.hidden, c.hidden))),
        edge_out(register_module("edge_out", linear(c.hidden, c.hidden))),
        w_ih(register_module("w_ih", linear(2 * c.hidden, 3 * c.hidden))),
        w_hh(register_module("w_hh", linear(c.hidden, 3 * c.hidden))),
        one(register_module("one", linear(c.hidden, c.hidden))),
        two(register_module("two", linear(c.hidden, c.hidden))),
        three(register_module("three", linear(c.hidden, 1, false))),
        transform(register_module("transform", linear(2 * c.hidden, c.hidden))) {
    b_iah = register_parameter("b_iah", torch::zeros({c.hidden}));
    b_oah = register_parameter("b_oah", torch::zeros({c.hidden}));
    if (c.star) {
      q1 = register_module("star_q1", linear(c.hidden, c.hidden, false));
      k1 = register_module("star_k1", linear(c.hidden, c.hidden, false));
      q2 = register_module("star_q2", linear(c.hidden, c.hidden, false));
      k2 = register_module("star_k2", linear(c.hidden, c.hidden, false));
      star_in = register_module("star_readout", linear(c.hidden, c.hidden, false));
    }
    if (c.highway) highway = register_module("highway", linear(2 * c.hidden, c.hidden, false));
    if (c.repeat) repeat = register_module("repeat", RepeatMixer(c.hidden));
    if (c.global_neighbors > 0) {
      global_w1 = register_module("global_w1", linear(c.hidden + 1, c.hidden, false));
      global_w2 = register_module("global_w2", linear(c.hidden, 1, false));
      global_w3 = register_module("global_w3", linear(2 * c.hidden, c.hidden, false));
      global_ids =
          register_buffer("global_ids", torch::zeros({items, c.global_neighbors}, torch::kLong));
      global_weight = register_buffer("global_weight", torch::zeros({items, c.global_neighbors}));
    }
    if (c.positions) {
      position = register_module(
          "position", torch::nn::Embedding(torch::nn::EmbeddingOptions(c.max_len, c.hidden)));
    }
    // The official initialisation: every weight uniform in +-1/sqrt(hidden); padding row zero.
    torch::NoGradGuard no_grad;
    const double bound = 1.0 / std::sqrt(static_cast<double>(c.hidden));
    for (auto& p : parameters()) p.uniform_(-bound, bound);
    item_emb->weight[0].zero_();
  }

  // The item embeddings as the nodes and the output layer see them (unit rows with `scale`).
  torch::Tensor items() const {
    return cfg.scale > 0 ? unit_rows(item_emb->weight) : item_emb->weight;
  }

  // Session vectors [B, hidden]; `alpha_out`, when given, receives the readout weights [B, L];
  // `repeat_out` (with `repeat`) the repeat side of the mixture.
  torch::Tensor forward(const GraphBatch& g, torch::Tensor* alpha_out = nullptr,
                        RepeatParts* repeat_out = nullptr) {
    torch::Tensor h0 = item_emb(g.nodes);  // [B, N, d]
    if (cfg.scale > 0) h0 = unit_rows(h0);
    h0 = torch::dropout(h0, cfg.dropout, is_training());
    torch::Tensor h = h0;
    const torch::Tensor node_mask = g.node_mask.unsqueeze(-1);  // [B, N, 1]
    const double root = std::sqrt(static_cast<double>(cfg.hidden));
    torch::Tensor star;
    if (cfg.star) star = (h0 * node_mask).sum(1) / node_mask.sum(1).clamp_min(1);  // [B, d]
    for (int step = 0; step < cfg.steps; ++step) {
      h = gnn_cell(g, h);
      if (cfg.star) {
        // Satellites take in the star, then the star is rebuilt from the satellites.
        const torch::Tensor beta =
            torch::sigmoid((q1(h) * k1(star).unsqueeze(1)).sum(-1, true) / root);  // [B, N, 1]
        h = (1 - beta) * h + beta * star.unsqueeze(1);
        torch::Tensor w = (k2(h) * q2(star).unsqueeze(1)).sum(-1) / root;  // [B, N]
        w = torch::softmax(w.masked_fill(g.node_mask == 0, -1e9), 1);
        star = (w.unsqueeze(-1) * h).sum(1);
      }
    }
    if (cfg.highway) {
      const torch::Tensor gate = torch::sigmoid(highway(torch::cat({h0, h}, -1)));
      h = gate * h0 + (1 - gate) * h;
    }
    if (cfg.global_neighbors > 0) {
      h = h + torch::dropout(global_context(g, h0), cfg.global_dropout, is_training());
    }
    const int64_t b = g.alias.size(0), l = g.alias.size(1);
    torch::Tensor seq = h.gather(1, g.alias.unsqueeze(-1).expand({b, l, cfg.hidden}));  // [B,L,d]
    const torch::Tensor last =
        seq.gather(1, g.last.view({b, 1, 1}).expand({b, 1, cfg.hidden})).squeeze(1);  // [B, d]
    torch::Tensor keys = seq;
    if (cfg.positions) {
      // Position 0 is the last event: reversed positions, the same for any session length.
      const torch::Tensor rev =
          (g.last.unsqueeze(1) - torch::arange(l, torch::kLong).unsqueeze(0)).clamp_min(0);
      keys = seq + position(rev.clamp_max(cfg.max_len - 1));
    }
    torch::Tensor pre = one(last).unsqueeze(1) + two(keys);  // [B, L, d]
    if (cfg.star) pre = pre + star_in(star).unsqueeze(1);
    const torch::Tensor alpha = three(torch::sigmoid(pre)).squeeze(-1) * g.mask;  // [B, L]
    if (alpha_out != nullptr) *alpha_out = alpha;
    const torch::Tensor global = (alpha.unsqueeze(-1) * keys).sum(1);
    torch::Tensor s = transform(torch::cat({global, last}, -1));
    if (cfg.scale > 0) s = unit_rows(s);
    if (repeat_out != nullptr) {
      KAIROS_ASSERT(cfg.repeat);
      *repeat_out = repeat(keys, g.mask, s);
    }
    return cfg.scale > 0 ? s * cfg.scale : s;
  }

  // The global graph's context of each node [B, N, d] (GCE-GNN's one-hop global aggregator).
  torch::Tensor global_context(const GraphBatch& g, const torch::Tensor& h0) {
    const int64_t b = g.nodes.size(0), n = g.nodes.size(1), k = cfg.global_neighbors;
    const torch::Tensor flat = g.nodes.reshape({-1});
    const torch::Tensor ids = global_ids.index_select(0, flat).view({b, n, k});
    const torch::Tensor weight = global_weight.index_select(0, flat).view({b, n, k, 1});
    torch::Tensor nb = item_emb(ids);  // [B, N, K, d]; the padding row (no neighbour) is zero
    if (cfg.scale > 0) nb = unit_rows(nb);
    const torch::Tensor node_mask = g.node_mask.unsqueeze(-1);
    const torch::Tensor s = (h0 * node_mask).sum(1) / node_mask.sum(1).clamp_min(1);  // [B, d]
    torch::Tensor e = global_w1(torch::cat({s.view({b, 1, 1, -1}) * nb, weight}, -1));
    e = global_w2(torch::leaky_relu(e, 0.2)).squeeze(-1);  // [B, N, K]
    const torch::Tensor pi = torch::softmax(e.masked_fill(ids == 0, -1e9), -1);
    const torch::Tensor context = (pi.unsqueeze(-1) * nb).sum(2);  // [B, N, d]
    return torch::relu(global_w3(torch::cat({h0, context}, -1)));
  }

  // The global graph from the training sessions, as buffers (saved with the weights).
  void set_global(const ItemNeighbours& nb) {
    torch::NoGradGuard no_grad;
    const auto items = global_ids.size(0), k = global_ids.size(1);
    KAIROS_ASSERT(nb.k == static_cast<uint32_t>(k) &&
                  nb.ids.size() == static_cast<size_t>(items * k));
    const std::vector<int64_t> ids(nb.ids.begin(), nb.ids.end());
    std::vector<float> weight(nb.counts.size());
    for (size_t i = 0; i < weight.size(); ++i) weight[i] = std::log1p(nb.counts[i]);
    global_ids.copy_(torch::tensor(ids).view({items, k}));
    global_weight.copy_(torch::tensor(weight).view({items, k}));
  }

  // One gated-GNN step over the graphs.
  torch::Tensor gnn_cell(const GraphBatch& g, const torch::Tensor& h) {
    const torch::Tensor a_in = torch::bmm(g.a_in, edge_in(h)) + b_iah;
    const torch::Tensor a_out = torch::bmm(g.a_out, edge_out(h)) + b_oah;
    const auto gi = w_ih(torch::cat({a_in, a_out}, -1)).chunk(3, -1);
    const auto gh = w_hh(h).chunk(3, -1);
    const torch::Tensor reset = torch::sigmoid(gi[0] + gh[0]);
    const torch::Tensor input = torch::sigmoid(gi[1] + gh[1]);
    const torch::Tensor fresh = torch::tanh(gi[2] + reset * gh[2]);
    return fresh + input * (h - fresh);
  }

  SrGnnConfig cfg;
  torch::nn::Embedding item_emb;
  torch::nn::Linear edge_in, edge_out, w_ih, w_hh, one, two, three, transform;
  torch::nn::Linear q1{nullptr}, k1{nullptr}, q2{nullptr}, k2{nullptr}, star_in{nullptr},
      highway{nullptr};
  torch::nn::Linear global_w1{nullptr}, global_w2{nullptr}, global_w3{nullptr};
  torch::nn::Embedding position{nullptr};
  RepeatMixer repeat{nullptr};
  torch::Tensor b_iah, b_oah;
  torch::Tensor global_ids, global_weight;  // [items, global_neighbors] (buffers)
};
TORCH_MODULE(SrGnnNet);

class SrGnn final : public SessionModel, public Trainable {
 public:
  explicit SrGnn(SrGnnConfig c) : cfg_(std::move(c)) {}

  std::string name() const override { return "srgnn"; }
  void set_run_options(const RunOptions& run) override { run_ = run; }

  void fit(const Dataset& data, const SessionSet& train) override {
    set_compute_threads(1);
    configure_allocator(StepShapes::kVarying);
    seed_torch(cfg_.train.seed);
    rng_ = Rng(cfg_.train.seed);
    if (warm_) {  // continue from the loaded (grown) weights and optimiser state
      KAIROS_CHECK(num_items_ == data.num_items(),
                   "srgnn: warm start grown to {} items, the data has {}", num_items_,
                   data.num_items());
    } else {
      build(data.num_items());
      adam_.clear();
    }
    const bool validate = cfg_.train.validate && !data.valid().empty();
    train_ = validate ? data.train() : train;
    examples_ = prefix_examples(train_, 1, false);
    KAIROS_CHECK(!examples_.empty(), "srgnn: no training sequence has two events");
    if (cfg_.global_neighbors > 0) {
      net_->set_global(
          item_neighbours(train_, num_items_, cfg_.global_window, cfg_.global_neighbors));
    }
    if (cfg_.loss == "sampled") {
      const auto counts = item_counts(train_, num_items_);
      sampler_ = NegativeSampler(counts, cfg_.sample_alpha);
      log_q_ = torch::tensor(log_counts(counts)) * cfg_.sample_alpha;
      // log(n_sample * q_i), q the proposal normalised over the items it draws: the repeat
      // mixture's estimate of the full softmax weighs each negative by 1 / (n_sample q_i).
      double total = 0;
      for (size_t i = 1; i < counts.size(); ++i) {
        if (counts[i] > 0) total += std::pow(static_cast<double>(counts[i]), cfg_.sample_alpha);
      }
      log_draws_ = log_q_ + (std::log(static_cast<double>(cfg_.n_sample)) - std::log(total));
    }
    optimizer_ = std::make_unique<torch::optim::Adam>(
        net_->parameters(),
        torch::optim::AdamOptions(cfg_.learning_rate).weight_decay(cfg_.weight_decay));
    if (!adam_.empty()) set_adam_state(*optimizer_, params(), adam_);
    dp_ = open_data_parallel(run_);
    if (dp_) dp_->broadcast(net_->parameters());  // every replica starts from rank 0's weights
    TrainOptions o = cfg_.train.options(name(), run_);
    o.validate = validate;
    spdlog::info("srgnn: {} training prefixes, {} items; {}", examples_.size(), num_items_,
                 compute_description(run_.threads));
    summary_ = run_training(*this, data, o);
    finish();
    train_ = SessionSet();
    examples_.clear();
    adam_ = adam_state(*optimizer_, params());  // saved in model.pt for a later warm start
    optimizer_.reset();
    dp_.reset();
    best_.clear();
  }

  // ---- Trainable ----
  const SessionModel& model() const override { return *this; }
  uint64_t events_per_epoch() const override { return examples_.size(); }

  void begin_epoch(int, double lr_factor) override {
    threads_.emplace(run_.threads);
    net_->train();
    set_adam_lr(*optimizer_, cfg_.learning_rate * lr_factor);
    // Shuffled, then sorted by graph size within windows of 50 batches, the batches taken in a
    // shuffled order: each batch pads to a similar length (a random batch of prefixes pads to
    // ~20 nodes while most graphs have a few): 2.4x the prefixes/s on Diginetica
    // (docs/BENCHMARKS.md).
    for (size_t i = examples_.size(); i > 1; --i) {
      std::swap(examples_[i - 1], examples_[rng_.below(i)]);
    }
    const size_t batch = static_cast<size_t>(cfg_.batch_size), window = 50 * batch;
    const auto size_of = [&](const PrefixExample& e) {
      return std::min<uint32_t>(e.length, static_cast<uint32_t>(cfg_.max_len));
    };
    for (size_t w = 0; w < examples_.size(); w += window) {
      const auto first = examples_.begin() + static_cast<std::ptrdiff_t>(w);
      const auto last =
          examples_.begin() + static_cast<std::ptrdiff_t>(std::min(examples_.size(), w + window));
      std::stable_sort(first, last, [&](const PrefixExample& a, const PrefixExample& b) {
        return size_of(a) < size_of(b);
      });
    }
    batch_starts_.clear();
    for (size_t i = 0; i < examples_.size(); i += batch) batch_starts_.push_back(i);
    for (size_t i = batch_starts_.size(); i > 1; --i) {
      std::swap(batch_starts_[i - 1], batch_starts_[rng_.below(i)]);
    }
    next_ = 0;
  }

  // A batch of prefixes (each one graph) and their next items; the summed cross-entropy,
  // gradients of its mean. Data-parallel: this rank's part of the batch (a batch smaller than the
  // world is skipped by every rank).
  bool forward_backward(EpochProgress* progress) override {
    RankSlice part{0, 0, true};
    while (part.skip) {
      if (next_ >= batch_starts_.size()) return false;
      const size_t begin = batch_starts_[next_++];
      part = rank_slice(dp_.get(), begin,
                        std::min(examples_.size(), begin + static_cast<size_t>(cfg_.batch_size)));
    }
    std::vector<std::span<const uint32_t>> seqs;
    std::vector<int64_t> targets;
    for (size_t i = part.lo; i < part.hi; ++i) {
      const SessionView s = train_[examples_[i].session];
      const size_t len = examples_[i].length, max_len = static_cast<size_t>(cfg_.max_len);
      const size_t first = len > max_len ? len - max_len : 0;
      seqs.push_back(s.items.subspan(first, len - first));
      targets.push_back(s.items[len]);
    }
    const torch::Tensor tv = torch::tensor(targets, torch::kLong);
    const GraphBatch g = make_graph_batch(seqs);
    RepeatParts parts;
    const torch::Tensor q = net_->forward(g, nullptr, cfg_.repeat ? &parts : nullptr);
    // log P(target) per row: the catalogue softmax (full or sampled), mixed with the repeat side.
    torch::Tensor log_prob;
    if (cfg_.loss == "full") {
      log_prob = torch::log_softmax(torch::mm(q, net_->items().t()), 1)
                     .gather(1, tv.unsqueeze(1))
                     .squeeze(1);
    } else {
      std::vector<int64_t> neg(cfg_.n_sample);
      sampler_.sample(rng_, neg);
      const torch::Tensor negt = torch::tensor(neg);
      const auto rows = [&](const torch::Tensor& ids) {
        const torch::Tensor r = net_->item_emb->weight.index_select(0, ids);
        return cfg_.scale > 0 ? unit_rows(r) : r;
      };
      if (cfg_.repeat) {  // P_explore itself, not a ranking loss up to a constant
        log_prob = sampled_softmax_log_prob(q, rows(tv), torch::zeros({tv.size(0)}), rows(negt),
                                            log_draws_.index_select(0, negt), tv, negt);
      } else {
        log_prob = sampled_softmax_log_prob(q, rows(tv), log_q_.index_select(0, tv), rows(negt),
                                            log_q_.index_select(0, negt), tv, negt);
      }
    }
    if (cfg_.repeat) log_prob = repeat_mixed_log_prob(parts, g.event_items(), tv, log_prob);
    const torch::Tensor loss = -log_prob.sum();
    progress->loss_sum += loss.item<double>();
    progress->events += static_cast<uint64_t>(tv.size(0));
    step_targets_ = tv.size(0);
    optimizer_->zero_grad();
    (loss / static_cast<double>(tv.size(0))).backward();
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
    finish();  // validation scores with this epoch's item table
    threads_.reset();
  }

  void keep_best() override { best_ = snapshot(net_->parameters()); }
  void restore_best() override { restore(net_->parameters(), best_); }

  // ---- scoring: the graph of the last max_len known events, rebuilt per request ----
  void score(const SessionQuery& q, std::span<float> scores) const override {
    score_as_batch(*this, q, scores);
  }
  // observe() keeps the event list (the default); score(state) re-encodes it, so the evaluator's
  // one-pass walk and batched scoring apply.
  bool incremental() const override { return true; }
  void score_batch(std::span<const SessionState* const> states,
                   std::span<float> scores) const override {
    KAIROS_ASSERT(scores.size() == states.size() * num_items_);
    std::vector<std::vector<uint32_t>> known(states.size());
    std::vector<std::span<const uint32_t>> seqs;
    std::vector<int64_t> rows;
    for (size_t i = 0; i < states.size(); ++i) {
      known[i] = last_known(states[i]->items, nullptr);
      if (known[i].empty()) continue;
      seqs.emplace_back(known[i]);
      rows.push_back(static_cast<int64_t>(i));
    }
    const auto n_items = static_cast<int64_t>(num_items_);
    torch::Tensor out =
        torch::from_blob(scores.data(), {static_cast<int64_t>(states.size()), n_items});
    out.zero_();
    if (!seqs.empty()) {
      torch::NoGradGuard no_grad;
      const GraphBatch g = make_graph_batch(seqs);
      RepeatParts parts;
      const torch::Tensor q = net_.ptr()->forward(g, nullptr, cfg_.repeat ? &parts : nullptr);
      torch::Tensor s = torch::mm(q, output_.t());
      if (cfg_.repeat) {
        s.select(1, 0).fill_(-std::numeric_limits<float>::infinity());  // a distribution over items
        s = repeat_mixed_scores(parts, g.event_items(), s);
      }
      if (static_cast<size_t>(q.size(0)) == states.size()) {
        out.copy_(s);
      } else {
        out.index_copy_(0, torch::tensor(rows, torch::kLong), s);
      }
    }
    out.select(1, 0).fill_(-std::numeric_limits<float>::infinity());
  }
  std::unique_ptr<SessionState> clone_state(const SessionState& state) const override {
    return copy_events(state);
  }

  // ---- retrieval: scores are <session vector, item row> (not with `repeat`) ----
  std::vector<float> item_vectors(uint32_t& dim) const override {
    if (cfg_.repeat) return SessionModel::item_vectors(dim);
    dim = static_cast<uint32_t>(cfg_.hidden);
    torch::NoGradGuard no_grad;
    const torch::Tensor e = output_.contiguous();
    return {e.data_ptr<float>(), e.data_ptr<float>() + e.numel()};
  }
  std::vector<float> query_vector(const SessionState& state) const override {
    if (cfg_.repeat) return SessionModel::query_vector(state);  // refuses: no retrieval form
    const std::vector<uint32_t> seq = last_known(state.items, nullptr);
    if (seq.empty()) return std::vector<float>(cfg_.hidden, 0.0f);
    torch::NoGradGuard no_grad;
    const torch::Tensor q = net_.ptr()->forward(make_graph_batch({seq})).contiguous();
    return {q.data_ptr<float>(), q.data_ptr<float>() + q.numel()};
  }

  // The readout's attention: each past event's share of the weights (the same for every
  // recommended item).
  std::vector<EventAttribution> explain(const SessionState& state, uint32_t, uint32_t,
                                        size_t max_events) const override {
    std::vector<size_t> positions;
    const std::vector<uint32_t> seq = last_known(state.items, &positions);
    if (seq.empty()) return {};
    torch::NoGradGuard no_grad;
    torch::Tensor alpha;
    net_.ptr()->forward(make_graph_batch({seq}), &alpha);
    alpha = alpha[0].abs().contiguous();
    const size_t n = seq.size(), first = n > max_events ? n - max_events : 0;
    const std::vector<size_t> kept(positions.begin() + first, positions.end());
    const std::vector<float> weights(alpha.data_ptr<float>() + first, alpha.data_ptr<float>() + n);
    return attention_shares(kept, state.items, weights);
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
    adam_ = empty_adam_state(params());
    if (!load_tensors_if_present(adam_, path)) adam_.clear();
    finish();
  }

  // Warm start: the loaded weights grown to `num_items` (new items at their category's mean) and
  // the Adam state with them; fit() then continues from both.
  void grow_items(uint32_t num_items, std::span<const uint32_t> item_category) override {
    adam_ = grow_model(
        name(), num_items_, num_items, item_category, adam_, [&] { return named(); },
        [&] { return params(); }, [&] { build(num_items); });
    warm_ = true;
    finish();
  }

 private:
  // After training or loading: evaluation mode, the output item table computed once.
  void finish() {
    net_->eval();
    torch::NoGradGuard no_grad;
    output_ = net_->items().detach().clone();
  }

  void build(uint32_t num_items) {
    KAIROS_CHECK(num_items >= 2, "srgnn: the catalogue is empty");
    num_items_ = num_items;
    net_ = SrGnnNet(num_items, cfg_);
  }
  // The global graph's buffers are saved with the weights.
  NamedTensors named() const { return named_tensors(*net_, /*buffers=*/true); }
  NamedTensors params() const { return named_tensors(*net_); }  // what Adam updates

  // The last max_len events whose items the model knows; `positions`, when given, receives
  // their indices in the session.
  std::vector<uint32_t> last_known(std::span<const uint32_t> items,
                                   std::vector<size_t>* positions) const {
    std::vector<uint32_t> out;
    for (size_t i = items.size(); i > 0 && out.size() < static_cast<size_t>(cfg_.max_len); --i) {
      const uint32_t item = items[i - 1];
      if (item == 0 || item >= num_items_) continue;
      out.push_back(item);
      if (positions != nullptr) positions->push_back(i - 1);
    }
    std::reverse(out.begin(), out.end());
    if (positions != nullptr) std::reverse(positions->begin(), positions->end());
    return out;
  }

  SrGnnConfig cfg_;
  RunOptions run_;
  bool warm_ = false;  // fit() continues from the current weights (grow_items)
  NamedTensors adam_;  // Adam's state after the last fit / from model.pt (empty: none)
  std::unique_ptr<DataParallel> dp_;  // data-parallel training (fit() only; null: one process)
  int64_t step_targets_ = 0;          // targets of this rank's part of the current batch
  uint32_t num_items_ = 0;
  SrGnnNet net_{nullptr};
  torch::Tensor output_;  // the scored item rows (unit with `scale`), fixed after fit / load
  std::unique_ptr<torch::optim::Adam> optimizer_;
  SessionSet train_;
  std::vector<PrefixExample> examples_;
  NegativeSampler sampler_;
  torch::Tensor log_q_, log_draws_;
  Rng rng_{42};
  // The epoch in progress: its threads, the batches' starts in `examples_` (in the order they
  // are taken) and the next batch.
  std::optional<TrainingThreads> threads_;
  std::vector<size_t> batch_starts_;
  size_t next_ = 0;
  std::vector<torch::Tensor> best_;
  TrainSummary summary_;
};

}  // namespace

std::unique_ptr<SessionModel> make_srgnn(const nlohmann::json& hparams) {
  return std::make_unique<SrGnn>(SrGnnConfig::from_json(hparams));
}

}  // namespace kairos
