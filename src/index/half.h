// IEEE 754 half precision (binary16) stored as uint16_t, and the inner product of a float query
// with a half row. The HNSW walk scores candidates on half copies of the item vectors (half the
// memory traffic of a walk that is bound by it) and rescores its final beam in float.
#pragma once

#include <cstddef>
#include <cstdint>

namespace kairos {

uint16_t float_to_half(float f);  // round to nearest even; overflow to infinity
float half_to_float(uint16_t h);

// sum_i q[i] * half_to_float(v[i]); AVX-512, AVX2 + F16C or portable, chosen at load time.
float inner_product_half(const float* q, const uint16_t* v, size_t n);

}  // namespace kairos
