#include "index/half.h"

#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace kairos {

uint16_t float_to_half(float f) {
  uint32_t x = 0;
  std::memcpy(&x, &f, sizeof x);
  const auto sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
  const uint32_t abs = x & 0x7fffffffu;
  if (abs >= 0x7f800000u) {  // infinity or NaN (NaN keeps a quiet payload bit)
    return static_cast<uint16_t>(sign | 0x7c00u | (abs > 0x7f800000u ? 0x200u : 0u));
  }
  if (abs >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // rounds past 65504
  if (abs < 0x38800000u) {               // below the smallest normal half: a subnormal or zero
    if (abs < 0x33000000u) return sign;  // below half of the smallest subnormal
    const uint32_t mant = (abs & 0x7fffffu) | 0x800000u;
    const int shift = 126 - static_cast<int>(abs >> 23);  // 14..24
    uint32_t h = mant >> shift;
    const uint32_t rest = mant & ((1u << shift) - 1), half_ulp = 1u << (shift - 1);
    if (rest > half_ulp || (rest == half_ulp && (h & 1u))) ++h;
    return static_cast<uint16_t>(sign | h);
  }
  uint32_t h = ((abs >> 13) - (112u << 10));  // rebias the exponent 127 -> 15
  const uint32_t rest = abs & 0x1fffu;
  if (rest > 0x1000u || (rest == 0x1000u && (h & 1u))) ++h;  // may carry into the exponent
  return static_cast<uint16_t>(sign | h);
}

float half_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exp = (h >> 10) & 0x1fu, mant = h & 0x3ffu;
  uint32_t x = 0;
  if (exp == 0x1f) {
    x = sign | 0x7f800000u | (mant << 13);
  } else if (exp != 0) {
    x = sign | ((exp + 112u) << 23) | (mant << 13);
  } else if (mant != 0) {  // subnormal: normalise
    int e = -1;
    uint32_t m = mant;
    do {
      ++e;
      m <<= 1;
    } while ((m & 0x400u) == 0);
    x = sign | ((112u - static_cast<uint32_t>(e)) << 23) | ((m & 0x3ffu) << 13);
  } else {
    x = sign;
  }
  float f = 0;
  std::memcpy(&f, &x, sizeof f);
  return f;
}

namespace {

float portable(const float* q, const uint16_t* v, size_t n) {
  float acc[8] = {};
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (size_t l = 0; l < 8; ++l) acc[l] += q[i + l] * half_to_float(v[i + l]);
  }
  float s = 0;
  for (; i < n; ++i) s += q[i] * half_to_float(v[i]);
  for (float a : acc) s += a;
  return s;
}

#if defined(__x86_64__)
__attribute__((target("avx512f"))) float avx512(const float* q, const uint16_t* v, size_t n) {
  __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m512 a = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(v + i)));
    const __m512 b =
        _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(v + i + 16)));
    acc0 = _mm512_fmadd_ps(_mm512_loadu_ps(q + i), a, acc0);
    acc1 = _mm512_fmadd_ps(_mm512_loadu_ps(q + i + 16), b, acc1);
  }
  for (; i + 16 <= n; i += 16) {
    const __m512 a = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(v + i)));
    acc0 = _mm512_fmadd_ps(_mm512_loadu_ps(q + i), a, acc0);
  }
  float s = _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
  for (; i < n; ++i) s += q[i] * half_to_float(v[i]);
  return s;
}

__attribute__((target("avx2,fma,f16c"))) float avx2(const float* q, const uint16_t* v, size_t n) {
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256 a = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(v + i)));
    const __m256 b = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(v + i + 8)));
    acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), a, acc0);
    acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i + 8), b, acc1);
  }
  const __m256 sum8 = _mm256_add_ps(acc0, acc1);
  const __m128 sum4 = _mm_add_ps(_mm256_castps256_ps128(sum8), _mm256_extractf128_ps(sum8, 1));
  float lanes[4];
  _mm_storeu_ps(lanes, sum4);
  float s = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
  for (; i < n; ++i) s += q[i] * half_to_float(v[i]);
  return s;
}
#endif

using Kernel = float (*)(const float*, const uint16_t*, size_t);

Kernel pick() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return avx2;  // F16C too
#endif
  return portable;
}

}  // namespace

float inner_product_half(const float* q, const uint16_t* v, size_t n) {
  static const Kernel kernel = pick();
  return kernel(q, v, n);
}

}  // namespace kairos
