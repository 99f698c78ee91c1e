// GRU inference for one row on plain floats (no LibTorch): what serving costs per event. Through
// LibTorch a [1 x H] x [H x 3H] product goes to OpenBLAS's sgemm, which packs the whole weight
// matrix on every call (sgemm_incopy was a fifth of the server's CPU under load); a matrix-vector
// product (cblas_sgemv) reads it once. Gate order and equations are torch.nn.GRUCell's (r, z, n):
//   r = sigmoid(gi_r + gh_r), z = sigmoid(gi_z + gh_z), n = tanh(gi_n + r * gh_n),
//   h' = n + z * (h - n), with gh = b_hh + W_hh h.
#pragma once

#include <cstdint>

namespace kairos {

// y = b + W x for a row-major W [rows x cols] (b may be null: y = W x).
void matvec_bias(const float* w, const float* b, const float* x, int64_t rows, int64_t cols,
                 float* y);

// One GRU step: `gi` the input pre-activations [3H] (b_ih included), `h` [H] updated in place,
// `w_hh` row-major [3H x H], `b_hh` [3H], `scratch` [3H].
void gru_step_one(const float* gi, const float* w_hh, const float* b_hh, int64_t hidden, float* h,
                  float* scratch);

}  // namespace kairos
