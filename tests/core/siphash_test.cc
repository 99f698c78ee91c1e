// SipHash-2-4 against the reference test vectors (Aumasson & Bernstein, vectors.h: key
// 00 01 .. 0f, messages 00 01 .. (n-1)).
#include "core/siphash.h"

#include <gtest/gtest.h>

#include <string>

namespace kairos {
namespace {

TEST(SipHash, MatchesTheReferenceVectors) {
  const SipKey key{0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL};
  std::string msg;
  EXPECT_EQ(siphash24(key, msg), 0x726fdb47dd0e0e31ULL);
  for (int i = 0; i < 15; ++i) msg.push_back(static_cast<char>(i));
  EXPECT_EQ(siphash24(key, msg), 0xa129ca6149be45e5ULL);
  msg.push_back(15);  // 16 bytes: two whole words and an empty tail
  EXPECT_EQ(siphash24(key, msg), 0x3f2acc7f57c29bdbULL);
}

TEST(SipHash, DependsOnTheKey) {
  const SipKey a = SipKey::random(), b = SipKey::random();
  EXPECT_NE(siphash24(a, "session:1"), siphash24(b, "session:1"));
}

}  // namespace
}  // namespace kairos
