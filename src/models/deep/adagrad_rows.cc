#include "models/deep/adagrad_rows.h"

#include <cmath>

namespace kairos {

#if defined(__x86_64__)
__attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#endif
void adagrad_rows(float* param, float* acc, float* vel, const float* grad, const int64_t* rows,
                  size_t n, int64_t dim, float lr, float momentum, float eps) {
  for (size_t i = 0; i < n; ++i) {
    const int64_t off = rows[i] * dim;
    const float* __restrict g = grad + static_cast<int64_t>(i) * dim;
    float* __restrict p = param + off;
    float* __restrict a = acc + off;
    if (momentum > 0) {
      float* __restrict v = vel + off;
      for (int64_t k = 0; k < dim; ++k) {
        a[k] += g[k] * g[k];
        v[k] = momentum * v[k] + lr * g[k] / std::sqrt(a[k] + eps);
        p[k] -= v[k];
      }
    } else {
      for (int64_t k = 0; k < dim; ++k) {
        a[k] += g[k] * g[k];
        p[k] -= lr * g[k] / std::sqrt(a[k] + eps);
      }
    }
  }
}

}  // namespace kairos
