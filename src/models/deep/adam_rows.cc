#include "models/deep/adam_rows.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace kairos {
namespace {

#if defined(__x86_64__)
__attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#endif
void update_row(float* __restrict p, float* __restrict m, float* __restrict v,
                const float* __restrict g, int64_t dim, float b1, float b2, float lr_t, float eps_t) {
  for (int64_t k = 0; k < dim; ++k) {
    m[k] = b1 * m[k] + (1 - b1) * g[k];
    v[k] = b2 * v[k] + (1 - b2) * g[k] * g[k];
    p[k] -= lr_t * m[k] / (std::sqrt(v[k]) + eps_t);
  }
}

}  // namespace

void adam_rows(float* param, float* m, float* v, const float* grad, const int64_t* rows, size_t n,
               int64_t dim, int64_t step, const AdamRowsOptions& o, std::vector<float>* scratch) {
  if (n == 0) return;
  // Bias correction folded into the rate and epsilon (the form of torch.optim.Adam):
  // p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
  const double c1 = 1 - std::pow(static_cast<double>(o.beta1), static_cast<double>(step));
  const double c2 =
      std::sqrt(1 - std::pow(static_cast<double>(o.beta2), static_cast<double>(step)));
  const auto lr_t = static_cast<float>(o.lr * c2 / c1);
  const auto eps_t = static_cast<float>(o.eps * c2);
  // Rows in order, repeats next to each other; their gradients summed into scratch.
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return rows[a] < rows[b]; });
  scratch->resize(static_cast<size_t>(dim));
  for (size_t i = 0; i < n;) {
    const int64_t r = rows[order[i]];
    float* sum = scratch->data();
    std::copy_n(grad + static_cast<int64_t>(order[i]) * dim, dim, sum);
    size_t j = i + 1;
    for (; j < n && rows[order[j]] == r; ++j) {
      const float* g = grad + static_cast<int64_t>(order[j]) * dim;
      for (int64_t k = 0; k < dim; ++k) sum[k] += g[k];
    }
    const int64_t off = r * dim;
    update_row(param + off, m + off, v + off, sum, dim, o.beta1, o.beta2, lr_t, eps_t);
    i = j;
  }
}

}  // namespace kairos
