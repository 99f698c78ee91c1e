#include "core/valid_id.h"

#include <gtest/gtest.h>

#include <string>

namespace kairos {
namespace {

TEST(ValidId, AcceptsPlainAndUnicodeIds) {
  for (std::string_view id : {"42", "B00005N7P0", "a b", "café", "商品-7", "\xF0\x9F\x9B\x92",
                              "\xF4\x8F\xBF\xBF", "\xEF\xBF\xBD", "x\"y\\z"}) {
    EXPECT_EQ(id_problem(id), "") << id;
  }
  EXPECT_EQ(id_problem(std::string(kMaxIdBytes, 'a')), "");
}

TEST(ValidId, RefusesEmptyAndOverLongIds) {
  EXPECT_EQ(id_problem(""), "empty");
  EXPECT_EQ(id_problem(std::string(kMaxIdBytes + 1, 'a')), "longer than 1024 bytes");
}

TEST(ValidId, RefusesControlCharacters) {
  for (std::string_view id : {"a\tb", "a\nb", "a\rb", "\x01", "x\x1f", "del\x7f"}) {
    EXPECT_EQ(id_problem(id), "control character") << id;
  }
  EXPECT_EQ(id_problem(std::string_view("a\0b", 3)), "control character");
}

TEST(ValidId, RefusesMalformedUtf8) {
  for (std::string_view id : {
           "\xff",                  // never valid
           "\x80",                  // lone continuation byte
           "\xc3",                  // truncated 2-byte sequence
           "\xe2\x82",              // truncated 3-byte sequence
           "\xc0\xaf",              // overlong '/'
           "\xe0\x80\xaf",          // overlong '/'
           "\xf0\x80\x80\xaf",      // overlong '/'
           "\xed\xa0\x80",          // UTF-16 surrogate U+D800
           "\xf4\x90\x80\x80",      // above U+10FFFF
           "\xf8\x88\x80\x80\x80",  // 5-byte form
           "ok\xc3(",               // bad continuation
       }) {
    EXPECT_EQ(id_problem(id), "invalid UTF-8") << testing::PrintToString(std::string(id));
  }
}

}  // namespace
}  // namespace kairos
