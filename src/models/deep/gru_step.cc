#include "models/deep/gru_step.h"

#include <cblas.h>

#include <cmath>
#include <cstring>

namespace kairos {

void matvec_bias(const float* w, const float* b, const float* x, int64_t rows, int64_t cols,
                 float* y) {
  if (b != nullptr) {
    std::memcpy(y, b, static_cast<size_t>(rows) * sizeof(float));
  } else {
    std::memset(y, 0, static_cast<size_t>(rows) * sizeof(float));
  }
  cblas_sgemv(CblasRowMajor, CblasNoTrans, static_cast<int>(rows), static_cast<int>(cols), 1.0f, w,
              static_cast<int>(cols), x, 1, 1.0f, y, 1);
}

void gru_step_one(const float* gi, const float* w_hh, const float* b_hh, int64_t hidden, float* h,
                  float* scratch) {
  matvec_bias(w_hh, b_hh, h, 3 * hidden, hidden, scratch);
  const float* gh = scratch;
  for (int64_t j = 0; j < hidden; ++j) {
    const float r = 1.0f / (1.0f + std::exp(-(gi[j] + gh[j])));
    const float z = 1.0f / (1.0f + std::exp(-(gi[hidden + j] + gh[hidden + j])));
    const float n = std::tanh(gi[2 * hidden + j] + r * gh[2 * hidden + j]);
    h[j] = n + z * (h[j] - n);
  }
}

}  // namespace kairos
