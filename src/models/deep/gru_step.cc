#include "models/deep/gru_step.h"

#include <cblas.h>

#include <algorithm>
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
  // A session's first step starts from h = 0, where W_hh h is 0: gh = b_hh without reading W_hh
  // (the same floats; a third of a 3-item stateless request's weight traffic).
  if (std::all_of(h, h + hidden, [](float v) { return v == 0.0f; })) {
    if (b_hh != nullptr) {
      std::memcpy(scratch, b_hh, static_cast<size_t>(3 * hidden) * sizeof(float));
    } else {
      std::fill(scratch, scratch + 3 * hidden, 0.0f);
    }
  } else {
    matvec_bias(w_hh, b_hh, h, 3 * hidden, hidden, scratch);
  }
  const float* gh = scratch;
  for (int64_t j = 0; j < hidden; ++j) {
    const float r = 1.0f / (1.0f + std::exp(-(gi[j] + gh[j])));
    const float z = 1.0f / (1.0f + std::exp(-(gi[hidden + j] + gh[hidden + j])));
    const float n = std::tanh(gi[2 * hidden + j] + r * gh[2 * hidden + j]);
    h[j] = n + z * (h[j] - n);
  }
}

}  // namespace kairos
