#include <gtest/gtest.h>

#include "data/fields.h"

namespace kairos {
namespace {

TEST(Fields, SplitterHandlesQuotesAndEscapes) {
  FieldSplitter s(',');
  std::vector<std::string_view> f;
  ASSERT_TRUE(s.split(R"(a,"b,c","say ""hi""",,)", &f));
  ASSERT_EQ(f.size(), 5u);
  EXPECT_EQ(f[1], "b,c");
  EXPECT_EQ(f[2], R"(say "hi")");
  EXPECT_EQ(f[3], "");
  EXPECT_EQ(f[4], "");
  EXPECT_FALSE(s.split(R"(a,"open)", &f));
}

// Issue 11: every field unescaped from "" must stay valid after later fields are unescaped (the
// scratch buffers of earlier fields used to be moved away, leaving dangling views).
TEST(Fields, SplitterKeepsEveryEscapedFieldValid) {
  FieldSplitter s(',');
  std::vector<std::string_view> f;
  ASSERT_TRUE(s.split(R"("a""1","b""2",plain,"c""3","d""4","e""5")", &f));
  EXPECT_EQ(f, (std::vector<std::string_view>{R"(a"1)", R"(b"2)", "plain", R"(c"3)", R"(d"4)",
                                              R"(e"5)"}));
  ASSERT_TRUE(s.split(R"("""","x""y")", &f));
  EXPECT_EQ(f, (std::vector<std::string_view>{R"(")", R"(x"y)"}));
}

TEST(Fields, PlainAndWhitespaceSplits) {
  std::vector<std::string_view> f;
  split_plain("1;;3", ';', &f);
  EXPECT_EQ(f, (std::vector<std::string_view>{"1", "", "3"}));
  split_whitespace("  a \tb  c ", &f);
  EXPECT_EQ(f, (std::vector<std::string_view>{"a", "b", "c"}));
}

TEST(Fields, NumbersAndTimes) {
  int64_t v;
  EXPECT_TRUE(parse_i64("-42", &v));
  EXPECT_EQ(v, -42);
  EXPECT_FALSE(parse_i64("4x", &v));
  EXPECT_FALSE(parse_i64("", &v));
  EXPECT_FALSE(parse_i64("-", &v));
  EXPECT_TRUE(parse_i64("1234567890123456789", &v));
  EXPECT_FALSE(parse_i64("99999999999999999999", &v));
  double d;
  EXPECT_TRUE(parse_double("1.25", &d));
  EXPECT_DOUBLE_EQ(d, 1.25);
  EXPECT_TRUE(parse_date_ms("2016-05-09", &v));
  EXPECT_EQ(v, 1462752000000);
  EXPECT_FALSE(parse_date_ms("2016-13-09", &v));
  EXPECT_TRUE(parse_iso8601_ms("2014-04-07T10:51:09.277Z", &v));
  EXPECT_EQ(v, 1396867869277);
  EXPECT_TRUE(parse_iso8601_ms("1969-12-31 23:59:59", &v));
  EXPECT_EQ(v, -1000);
  EXPECT_FALSE(parse_iso8601_ms("2014-04-07T10:51", &v));
  EXPECT_EQ(trim(" \tx \r"), "x");
}

}  // namespace
}  // namespace kairos
