#include "models/deep/sasrec_net.h"

#include <cmath>

#include "core/event_type.h"

namespace kairos {

SasRecBlockImpl::SasRecBlockImpl(int64_t hidden, int64_t heads, double dropout)
    : heads(heads), dropout(dropout) {
  ln1 = register_module("ln1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({hidden})));
  ln2 = register_module("ln2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({hidden})));
  q = register_module("q", torch::nn::Linear(hidden, hidden));
  k = register_module("k", torch::nn::Linear(hidden, hidden));
  v = register_module("v", torch::nn::Linear(hidden, hidden));
  o = register_module("o", torch::nn::Linear(hidden, hidden));
  ff1 = register_module("ff1", torch::nn::Linear(hidden, hidden));
  ff2 = register_module("ff2", torch::nn::Linear(hidden, hidden));
}

torch::Tensor SasRecBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& mask,
                                       const torch::Tensor& keep, torch::Tensor* attention) {
  const int64_t b = x.size(0), l = x.size(1), h = x.size(2), d = h / heads;
  const torch::Tensor n = ln1(x);
  auto split = [&](const torch::Tensor& t) { return t.view({b, l, heads, d}).transpose(1, 2); };
  const torch::Tensor qh = split(q(n)), kh = split(k(n)), vh = split(v(n));
  torch::Tensor w = torch::matmul(qh, kh.transpose(-2, -1)) / std::sqrt(static_cast<double>(d));
  w = torch::softmax(w + mask, -1);
  if (attention != nullptr) *attention = w;
  w = torch::dropout(w, dropout, is_training());
  torch::Tensor a = torch::matmul(w, vh).transpose(1, 2).reshape({b, l, h});
  torch::Tensor y = x + torch::dropout(o(a), dropout, is_training());
  const torch::Tensor f = ff2(torch::dropout(torch::relu(ff1(ln2(y))), dropout, is_training()));
  y = y + torch::dropout(f, dropout, is_training());
  return y * keep;
}

NextItNetBlockImpl::NextItNetBlockImpl(int64_t hidden, int64_t kernel, int64_t dilation,
                                       double dropout)
    : kernel(kernel), dilation(dilation), dropout(dropout) {
  using torch::nn::Conv1dOptions;
  conv1 = register_module(
      "conv1", torch::nn::Conv1d(Conv1dOptions(hidden, hidden, kernel).dilation(dilation)));
  conv2 = register_module(
      "conv2", torch::nn::Conv1d(Conv1dOptions(hidden, hidden, kernel).dilation(2 * dilation)));
  ln1 = register_module("ln1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({hidden})));
  ln2 = register_module("ln2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({hidden})));
}

torch::Tensor NextItNetBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& keep) {
  // Causal: the input is padded on the left by (kernel - 1) * dilation, so position t sees
  // positions <= t only.
  const auto causal = [&](torch::nn::Conv1d& conv, const torch::Tensor& in, int64_t d) {
    const torch::Tensor t = torch::constant_pad_nd(in.transpose(1, 2), {(kernel - 1) * d, 0});
    return conv(t).transpose(1, 2);
  };
  torch::Tensor y = torch::relu(ln1(causal(conv1, x, dilation)));
  y = torch::relu(ln2(causal(conv2, y, 2 * dilation)));
  return (x + torch::dropout(y, dropout, is_training())) * keep;
}

SasRecNetImpl::SasRecNetImpl(int64_t num_items, int64_t hidden, int64_t blocks_n, int64_t heads,
                             int64_t max_len, double dropout, bool use_types,
                             const std::vector<int>& dilations, int64_t kernel)
    : hidden(hidden), max_len(max_len), dropout(dropout), convolutional(!dilations.empty()) {
  const double sigma = 1.0 / std::sqrt(static_cast<double>(hidden));
  item_emb = register_parameter("item_emb", torch::randn({num_items, hidden}) * sigma);
  if (!convolutional) {
    pos_emb = register_parameter("pos_emb", torch::randn({max_len, hidden}) * sigma);
  }
  {
    torch::NoGradGuard no_grad;
    item_emb[0].zero_();
  }
  blocks = register_module("blocks", torch::nn::ModuleList());
  if (convolutional) {
    for (int d : dilations) blocks->push_back(NextItNetBlock(hidden, kernel, d, dropout));
  }
  for (int64_t i = 0; i < blocks_n && !convolutional; ++i) {
    blocks->push_back(SasRecBlock(hidden, heads, dropout));
  }
  final_ln =
      register_module("final_ln", torch::nn::LayerNorm(torch::nn::LayerNormOptions({hidden})));
  // Registered last: the other parameters draw the same initial values with or without it.
  if (use_types) {
    type_emb = register_parameter("type_emb", torch::randn({kNumEventTypes, hidden}) * sigma);
  }
}

torch::Tensor SasRecNetImpl::forward(const torch::Tensor& seq, const torch::Tensor& types,
                                     std::vector<torch::Tensor>* attention) {
  const int64_t l = seq.size(1);
  const torch::Tensor keep = (seq != 0).unsqueeze(-1).to(torch::kFloat);
  torch::Tensor x = item_emb.index_select(0, seq.reshape({-1})).view({seq.size(0), l, hidden});
  x = x * std::sqrt(static_cast<double>(hidden));
  if (!convolutional) x = x + pos_emb.narrow(0, max_len - l, l);  // right-aligned positions
  if (type_emb.defined()) {
    x = x + type_emb.index_select(0, types.reshape({-1})).view({seq.size(0), l, hidden});
  }
  x = torch::dropout(x, dropout, is_training()) * keep;
  if (convolutional) {
    for (size_t i = 0; i < blocks->size(); ++i)
      x = blocks[i]->as<NextItNetBlock>()->forward(x, keep);
    return final_ln(x);
  }
  // Causal mask; a large negative rather than -inf keeps all-padding rows finite.
  const torch::Tensor mask = torch::triu(torch::full({l, l}, -1e9), 1);
  for (size_t i = 0; i < blocks->size(); ++i) {
    torch::Tensor w;
    x = blocks[i]->as<SasRecBlock>()->forward(x, mask, keep, attention ? &w : nullptr);
    if (attention) attention->push_back(w);
  }
  return final_ln(x);
}

}  // namespace kairos
