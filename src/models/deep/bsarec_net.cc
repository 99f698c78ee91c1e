#include "models/deep/bsarec_net.h"

#include <cmath>
#include <numbers>

namespace kairos {
namespace {

torch::nn::LayerNorm layer_norm(int64_t hidden) {
  return torch::nn::LayerNorm(torch::nn::LayerNormOptions({hidden}).eps(1e-12));
}

torch::nn::Linear linear(int64_t in, int64_t out) {
  torch::nn::Linear l(in, out);
  torch::NoGradGuard no_grad;
  l->weight.normal_(0.0, 0.02);
  l->bias.zero_();
  return l;
}

}  // namespace

torch::Tensor low_pass_matrix(int64_t length, int64_t c) {
  // Frequency k of the real transform contributes cos(2 pi k (t - s) / L) / L to entry (t, s),
  // twice over for 0 < k < L/2 (k and L - k of the full transform), once for k = 0 and L/2.
  const int64_t kept = std::min(c / 2 + 1, length / 2 + 1);
  torch::Tensor p = torch::zeros({length, length}, torch::kDouble);
  auto a = p.accessor<double, 2>();
  for (int64_t t = 0; t < length; ++t) {
    for (int64_t s = 0; s < length; ++s) {
      double sum = 0;
      for (int64_t k = 0; k < kept; ++k) {
        const double w = (k == 0 || 2 * k == length) ? 1.0 : 2.0;
        sum += w * std::cos(2.0 * std::numbers::pi * static_cast<double>(k * (t - s)) /
                            static_cast<double>(length));
      }
      a[t][s] = sum / static_cast<double>(length);
    }
  }
  return p.to(torch::kFloat);
}

BsaRecBlockImpl::BsaRecBlockImpl(int64_t hidden, int64_t heads, double dropout, double alpha)
    : heads(heads), dropout(dropout), alpha(alpha) {
  q = register_module("q", linear(hidden, hidden));
  k = register_module("k", linear(hidden, hidden));
  v = register_module("v", linear(hidden, hidden));
  o = register_module("o", linear(hidden, hidden));
  ff1 = register_module("ff1", linear(hidden, 4 * hidden));
  ff2 = register_module("ff2", linear(4 * hidden, hidden));
  ln_filter = register_module("ln_filter", layer_norm(hidden));
  ln_attention = register_module("ln_attention", layer_norm(hidden));
  ln_ff = register_module("ln_ff", layer_norm(hidden));
  sqrt_beta = register_parameter("sqrt_beta", torch::randn({hidden}));
}

torch::Tensor BsaRecBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& low,
                                       const torch::Tensor& mask, const torch::Tensor& keep,
                                       torch::Tensor* attention) {
  const int64_t b = x.size(0), l = x.size(1), h = x.size(2), d = h / heads;
  // The filter: low frequencies kept, high ones weighted by beta^2 per dimension.
  const torch::Tensor lowx = torch::matmul(low, x);
  const torch::Tensor filtered = lowx + sqrt_beta.square() * (x - lowx);
  const torch::Tensor f = ln_filter(x + torch::dropout(filtered, dropout, is_training()));
  // Causal multi-head attention.
  auto split = [&](const torch::Tensor& t) { return t.view({b, l, heads, d}).transpose(1, 2); };
  const torch::Tensor qh = split(q(x)), kh = split(k(x)), vh = split(v(x));
  torch::Tensor w = torch::matmul(qh, kh.transpose(-2, -1)) / std::sqrt(static_cast<double>(d));
  w = torch::softmax(w + mask, -1);
  if (attention != nullptr) *attention = w;
  w = torch::dropout(w, dropout, is_training());
  const torch::Tensor ctx = torch::matmul(w, vh).transpose(1, 2).reshape({b, l, h});
  const torch::Tensor a = ln_attention(x + torch::dropout(o(ctx), dropout, is_training()));
  const torch::Tensor y = alpha * f + (1.0 - alpha) * a;
  const torch::Tensor ff = ff2(torch::gelu(ff1(y)));
  return ln_ff(y + torch::dropout(ff, dropout, is_training())) * keep;
}

BsaRecNetImpl::BsaRecNetImpl(int64_t num_items, int64_t hidden, int64_t blocks_n, int64_t heads,
                             int64_t max_len, double dropout, double alpha, int64_t c)
    : hidden(hidden), max_len(max_len), dropout(dropout) {
  item_emb = register_parameter("item_emb", torch::randn({num_items, hidden}) * 0.02);
  pos_emb = register_parameter("pos_emb", torch::randn({max_len, hidden}) * 0.02);
  {
    torch::NoGradGuard no_grad;
    item_emb[0].zero_();
  }
  input_ln = register_module("input_ln", layer_norm(hidden));
  blocks = register_module("blocks", torch::nn::ModuleList());
  for (int64_t i = 0; i < blocks_n; ++i)
    blocks->push_back(BsaRecBlock(hidden, heads, dropout, alpha));
  low = register_buffer("low", low_pass_matrix(max_len, c));
}

torch::Tensor BsaRecNetImpl::forward(const torch::Tensor& seq, const torch::Tensor&,
                                     std::vector<torch::Tensor>* attention) {
  const int64_t b = seq.size(0), l = seq.size(1);
  TORCH_CHECK(l <= max_len, "bsarec: sequences longer than max_len");
  const torch::Tensor real = seq != 0;
  const torch::Tensor keep = real.unsqueeze(-1).to(torch::kFloat);
  torch::Tensor x = item_emb.index_select(0, seq.reshape({-1})).view({b, l, hidden}) +
                    pos_emb.narrow(0, max_len - l, l);
  x = torch::dropout(input_ln(x), dropout, is_training()) * keep;
  // Position t attends to positions <= t that hold an item; -1e9 rather than -inf keeps padding
  // rows (no key at all) finite.
  const torch::Tensor causal = torch::triu(torch::full({l, l}, -1e9), 1);
  const torch::Tensor pad = ((1.0 - real.to(torch::kFloat)) * -1e9).view({b, 1, 1, l});
  const torch::Tensor mask = causal + pad;
  const torch::Tensor corner = low.narrow(0, max_len - l, l).narrow(1, max_len - l, l);
  for (size_t i = 0; i < blocks->size(); ++i) {
    torch::Tensor w;
    x = blocks[i]->as<BsaRecBlock>()->forward(x, corner, mask, keep, attention ? &w : nullptr);
    if (attention) attention->push_back(w);
  }
  return x;
}

}  // namespace kairos
