// Row-sparse ("lazy") Adam on plain floats (no LibTorch): the update of an embedding or output
// table from the gradients of the rows a batch touched, as TensorFlow's LazyAdam and PyTorch's
// SparseAdam do — only those rows' moments decay and move; the bias correction uses the global
// step. What makes a step cost O(rows touched) instead of O(catalogue): dense Adam over a
// 43k-item table, and LibTorch 1.13's index_add backward (one dispatch per index), took most of
// a sampled-softmax step (models/deep/seq_gan.cc).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace kairos {

struct AdamRowsOptions {
  float lr = 1e-3f, beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;
};

// One step `step` (1-based) over a [*, dim] table `param` with moments `m`, `v` (same shape):
// `grad` holds n gradient rows for table rows `rows[i]` (repeats allowed: their gradients are
// summed first). `scratch` is reused between calls.
void adam_rows(float* param, float* m, float* v, const float* grad, const int64_t* rows, size_t n,
               int64_t dim, int64_t step, const AdamRowsOptions& o, std::vector<float>* scratch);

}  // namespace kairos
