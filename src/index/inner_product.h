// Inner product of two float vectors, vectorised for the CPU it runs on. Debian's Faiss is built
// for baseline x86-64, where its own inner product is a scalar loop (a third of a served
// recommend's time went there); this one is compiled for AVX-512, AVX2 and baseline and picks at
// load time (GCC function multi-versioning).
#pragma once

#include <cstddef>

namespace kairos {

float inner_product(const float* a, const float* b, size_t n);

}  // namespace kairos
