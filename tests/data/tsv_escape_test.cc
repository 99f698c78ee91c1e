#include "data/tsv_escape.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

namespace kairos {
namespace {

TEST(TsvEscape, PlainFieldsAreUnchanged) {
  for (const std::string s : {"", "123", "P-17", "a b", "caf\xC3\xA9", "x,y"}) {
    EXPECT_EQ(tsv_escape(s), s);
    EXPECT_EQ(tsv_unescape(s), s);
  }
}

TEST(TsvEscape, EscapesTheFourSeparators) {
  EXPECT_EQ(tsv_escape("a\tb"), "a\\tb");
  EXPECT_EQ(tsv_escape("a\nb\r"), "a\\nb\\r");
  EXPECT_EQ(tsv_escape("a\\b"), "a\\\\b");
  const std::string escaped = tsv_escape("\t\n\r\\");
  EXPECT_EQ(escaped.find_first_of("\t\n\r"), std::string::npos);
}

TEST(TsvEscape, RoundTrips) {
  for (const std::string& s : std::initializer_list<std::string>{
           "\t", "\n", "\r\n", "\\", "\\\\", "\\t", "\\n", "a\\tb", "end\\",
           "id\twith\nall\\three\r", std::string("nul\0byte", 8)}) {
    EXPECT_EQ(tsv_unescape(tsv_escape(s)), s) << s;
  }
}

TEST(TsvEscape, UnescapeKeepsUnknownAndTrailingBackslashes) {
  EXPECT_EQ(tsv_unescape("C:\\dir"), "C:\\dir");
  EXPECT_EQ(tsv_unescape("end\\"), "end\\");
  EXPECT_EQ(tsv_unescape("\\x\\t"), "\\x\t");
}

}  // namespace
}  // namespace kairos
