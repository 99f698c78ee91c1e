#include "core/id_map.h"

#include <gtest/gtest.h>

namespace kairos {
namespace {

TEST(IdMap, InternsDenselyInOrderOfFirstSight) {
  IdMap m;
  EXPECT_EQ(m.intern("42"), 0u);
  EXPECT_EQ(m.intern("abc"), 1u);
  EXPECT_EQ(m.intern("42"), 0u);
  EXPECT_EQ(m.intern("7"), 2u);
  EXPECT_EQ(m.size(), 3u);
  EXPECT_EQ(m.name(0), "42");
  EXPECT_EQ(m.name(1), "abc");
  EXPECT_EQ(m.find("7"), 2u);
  EXPECT_EQ(m.find("8"), IdMap::kMissing);
  EXPECT_EQ(m.find("abd"), IdMap::kMissing);
}

TEST(IdMap, NonCanonicalNumbersStayStrings) {
  IdMap m;
  const uint32_t a = m.intern("0123");
  const uint32_t b = m.intern("123");
  EXPECT_NE(a, b);
  EXPECT_EQ(m.name(a), "0123");
  EXPECT_EQ(m.name(b), "123");
  EXPECT_EQ(m.intern("0"), 2u);
  EXPECT_EQ(m.name(2), "0");
  // 20 digits overflow the fast path but must still round-trip.
  const uint32_t big = m.intern("99999999999999999999");
  EXPECT_EQ(m.name(big), "99999999999999999999");
}

TEST(IdMap, SurvivesGrowth) {
  IdMap m;
  for (uint32_t i = 0; i < 100000; ++i) ASSERT_EQ(m.intern(std::to_string(i * 7919)), i);
  for (uint32_t i = 0; i < 100000; i += 997) EXPECT_EQ(m.find(std::to_string(i * 7919)), i);
  EXPECT_EQ(m.name(12345), std::to_string(12345 * 7919));
}

TEST(ParseCanonicalU64, AcceptsOnlyCanonicalDecimals) {
  uint64_t v = 0;
  EXPECT_TRUE(parse_canonical_u64("0", &v));
  EXPECT_EQ(v, 0u);
  EXPECT_TRUE(parse_canonical_u64("1234567890123456789", &v));
  EXPECT_EQ(v, 1234567890123456789ULL);
  EXPECT_FALSE(parse_canonical_u64("", &v));
  EXPECT_FALSE(parse_canonical_u64("01", &v));
  EXPECT_FALSE(parse_canonical_u64("-1", &v));
  EXPECT_FALSE(parse_canonical_u64("1a", &v));
  EXPECT_FALSE(parse_canonical_u64("12345678901234567890", &v));
}

}  // namespace
}  // namespace kairos
