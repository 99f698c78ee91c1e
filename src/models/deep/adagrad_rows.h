// The inner loop of AdagradM's sparse CPU step on plain floats (no LibTorch), compiled with
// -fno-math-errno and cloned per instruction set so that sqrt and the division vectorise: the
// scalar loop was 22 % of a GRU4Rec training step on Diginetica.
#pragma once

#include <cstddef>
#include <cstdint>

namespace kairos {

// For each i < n, row r = rows[i] of the [*, dim] tables and g = grad + i * dim:
//   acc[r] += g^2;  u = lr * g / sqrt(acc[r] + eps);
//   momentum > 0: vel[r] = momentum * vel[r] + u;  param[r] -= vel[r]   (else param[r] -= u)
void adagrad_rows(float* param, float* acc, float* vel, const float* grad, const int64_t* rows,
                  size_t n, int64_t dim, float lr, float momentum, float eps);

}  // namespace kairos
