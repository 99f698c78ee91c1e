#include "models/deep/gru_layer_step.h"

#include <algorithm>
#include <cmath>

#include "core/parallel.h"

namespace kairos {
namespace {

// Splits [0, n) into `threads` contiguous parts and runs fn(first, count) on each, with autograd
// off in every thread (grad mode is thread-local; the *_out ops below refuse it).
template <typename Fn>
void in_parts(int64_t n, int threads, Fn&& fn) {
  const int parts = static_cast<int>(std::clamp<int64_t>(threads, 1, std::max<int64_t>(n, 1)));
  const auto chunk = static_cast<size_t>((n + parts - 1) / parts);
  parallel_for(static_cast<size_t>(n), parts, chunk, [&](size_t b, size_t e, int) {
    torch::NoGradGuard no_grad;
    fn(static_cast<int64_t>(b), static_cast<int64_t>(e - b));
  });
}

torch::Tensor& grad_of(torch::Tensor& param) {
  torch::Tensor& g = param.mutable_grad();
  if (!g.defined()) g = torch::zeros_like(param);
  return g;
}

}  // namespace

torch::Tensor dropout_noise(torch::IntArrayRef shape, double p, Rng& rng,
                            const torch::TensorOptions& opts) {
  torch::NoGradGuard no_grad;
  torch::Tensor noise = torch::empty(shape, torch::kFloat);
  float* out = noise.data_ptr<float>();
  const int64_t n = noise.numel();
  const auto threshold = static_cast<uint32_t>(std::lround((1.0 - p) * 65536.0));
  const auto scale = static_cast<float>(1.0 / (1.0 - p));
  for (int64_t i = 0; i < n; i += 4) {
    const uint64_t bits = rng.next();
    for (int64_t k = 0; k < 4 && i + k < n; ++k) {
      out[i + k] = ((bits >> (16 * k)) & 0xffffu) < threshold ? scale : 0.0f;
    }
  }
  return noise.to(opts.device(), opts.dtype());
}

torch::Tensor GruLayerStep::forward(const RecurrentLayer& layer, const torch::Tensor& x,
                                    bool projected, const torch::Tensor& h_prev,
                                    const torch::Tensor& noise, int threads) {
  torch::NoGradGuard no_grad;
  const int64_t batch = h_prev.size(0), hidden = layer.hidden();
  projected_ = projected;
  x_ = x;
  h_prev_ = h_prev;
  noise_ = noise;
  const auto opts = h_prev.options();
  torch::Tensor gi = torch::empty({batch, 3 * hidden}, opts);
  torch::Tensor gh = torch::empty({batch, 3 * hidden}, opts);
  r_ = torch::empty({batch, hidden}, opts);
  z_ = torch::empty({batch, hidden}, opts);
  n_ = torch::empty({batch, hidden}, opts);
  torch::Tensor out = torch::empty({batch, hidden}, opts);
  in_parts(batch, threads, [&](int64_t first, int64_t rows) {
    torch::Tensor gi_p = gi.narrow(0, first, rows), gh_p = gh.narrow(0, first, rows);
    if (projected) {
      torch::add_out(gi_p, x.narrow(0, first, rows), layer.b_ih);
    } else {
      torch::addmm_out(gi_p, layer.b_ih, x.narrow(0, first, rows), layer.w_ih.t());
    }
    torch::addmm_out(gh_p, layer.b_hh, h_prev.narrow(0, first, rows), layer.w_hh.t());
    const auto i = gi_p.chunk(3, 1), h = gh_p.chunk(3, 1);
    torch::Tensor r = r_.narrow(0, first, rows), z = z_.narrow(0, first, rows),
                  n = n_.narrow(0, first, rows), o = out.narrow(0, first, rows);
    torch::sigmoid_out(r, i[0].add_(h[0]));
    torch::sigmoid_out(z, i[1].add_(h[1]));
    torch::tanh_out(n, i[2].addcmul_(r, h[2]));
    torch::sub_out(o, h_prev.narrow(0, first, rows), n).mul_(z).add_(n);  // n + z (h - n)
    if (noise.defined()) o.mul_(noise.narrow(0, first, rows));
  });
  gh_n_ = gh.narrow(1, 2 * hidden, hidden);
  return out;
}

torch::Tensor GruLayerStep::backward(RecurrentLayer& layer, const torch::Tensor& grad_out,
                                     int threads) {
  torch::NoGradGuard no_grad;
  const int64_t batch = h_prev_.size(0), hidden = layer.hidden();
  const auto opts = h_prev_.options();
  torch::Tensor dgi = torch::empty({batch, 3 * hidden}, opts);
  torch::Tensor dgh_n = torch::empty({batch, hidden}, opts);  // dgh = [dgi_r, dgi_z, dgh_n]
  torch::Tensor dx =
      projected_ ? dgi : torch::empty({batch, layer.w_ih.size(1)}, opts);  // dL/dx = dgi
  in_parts(batch, threads, [&](int64_t first, int64_t rows) {
    const auto part = [&](const torch::Tensor& t) { return t.narrow(0, first, rows); };
    torch::Tensor dh = part(grad_out);
    if (noise_.defined()) dh = dh * part(noise_);
    const torch::Tensor r = part(r_), z = part(z_), n = part(n_);
    const auto d = part(dgi).chunk(3, 1);
    torch::Tensor d_r = d[0], d_z = d[1], d_n = d[2];
    // h' = n + z (h - n): dn = dh (1 - z), dz = dh (h - n).
    // n = tanh(a), a = gi_n + r gh_n: da = dn (1 - n^2), dr = da gh_n.
    torch::mul_out(d_n, n, n).neg_().add_(1.0).mul_(dh).mul_(1.0 - z);
    torch::mul_out(d_r, d_n, part(gh_n_)).mul_(r).mul_(1.0 - r);
    torch::sub_out(d_z, part(h_prev_), n).mul_(dh).mul_(z).mul_(1.0 - z);
    torch::Tensor dgh_n_p = part(dgh_n);
    torch::mul_out(dgh_n_p, d_n, r);
    if (!projected_) {
      torch::Tensor dx_p = part(dx);
      torch::mm_out(dx_p, part(dgi), layer.w_ih);
    }
  });
  // Weight gradients split by output rows (gate units): dW = dG^T [x or h], db = column sums.
  torch::Tensor& g_whh = grad_of(layer.w_hh);
  torch::Tensor& g_bhh = grad_of(layer.b_hh);
  torch::Tensor& g_bih = grad_of(layer.b_ih);
  torch::Tensor* g_wih = projected_ ? nullptr : &grad_of(layer.w_ih);
  in_parts(3 * hidden, threads, [&](int64_t first, int64_t units) {
    const auto cols = [&](const torch::Tensor& t, int64_t j, int64_t m) {
      return t.narrow(1, j, m);
    };
    const auto rows = [&](torch::Tensor& t) { return t.narrow(0, first, units); };
    // dgh's columns: dgi's for r and z, dgh_n's for n.
    const int64_t rz_end = std::min(first + units, 2 * hidden);
    torch::Tensor gw = rows(g_whh), gb = rows(g_bhh);
    if (rz_end > first) {
      const torch::Tensor g = cols(dgi, first, rz_end - first);
      torch::Tensor w = gw.narrow(0, 0, rz_end - first), b = gb.narrow(0, 0, rz_end - first);
      torch::mm_out(w, g.t(), h_prev_);
      torch::sum_out(b, g, 0);
    }
    const int64_t n_first = std::max(first, 2 * hidden), n_end = first + units;
    if (n_end > n_first) {
      const torch::Tensor g = cols(dgh_n, n_first - 2 * hidden, n_end - n_first);
      torch::Tensor w = gw.narrow(0, n_first - first, n_end - n_first),
                    b = gb.narrow(0, n_first - first, n_end - n_first);
      torch::mm_out(w, g.t(), h_prev_);
      torch::sum_out(b, g, 0);
    }
    const torch::Tensor g = cols(dgi, first, units);
    torch::Tensor bi = rows(g_bih);
    torch::sum_out(bi, g, 0);
    if (g_wih != nullptr) {
      torch::Tensor wi = rows(*g_wih);
      torch::mm_out(wi, g.t(), x_);
    }
  });
  return dx;
}

}  // namespace kairos
