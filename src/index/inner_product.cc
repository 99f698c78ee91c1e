#include "index/inner_product.h"

namespace kairos {

// Sixteen independent partial sums: the additions are reassociated by hand (no -ffast-math), so
// the compiler can keep them in vector registers of whichever width the clone targets.
#if defined(__x86_64__)
__attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#endif
float inner_product(
    const float* a, const float* b, size_t n) {
  constexpr size_t kLanes = 16;
  float acc[kLanes] = {};
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (size_t l = 0; l < kLanes; ++l) acc[l] += a[i + l] * b[i + l];
  }
  float tail = 0;
  for (; i < n; ++i) tail += a[i] * b[i];
  float s = 0;
  for (size_t l = 0; l < kLanes; ++l) s += acc[l];
  return s + tail;
}

}  // namespace kairos
