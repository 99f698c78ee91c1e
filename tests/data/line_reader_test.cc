// LineReader's line length cap: an over-long line is cut, flagged, never buffered whole, and the
// next call resumes at the following line (issue 11).
#include "data/line_reader.h"

#include <gtest/gtest.h>

#include <fstream>

#include "data/test_util.h"

namespace kairos {
namespace {

std::vector<std::pair<std::string, bool>> read_all(const std::string& path, size_t cap) {
  LineReader lines(path, cap);
  std::vector<std::pair<std::string, bool>> out;
  std::string_view line;
  while (lines.next(&line)) out.emplace_back(std::string(line), lines.truncated());
  return out;
}

TEST(LineReader, CutsOverLongLinesAndResumesAtTheNextLine) {
  test::TempDir dir;
  const std::string path = dir.file("lines.txt");
  std::ofstream(path, std::ios::binary) << "abc\r\n"
                                        << std::string(100, 'x') << "\n"
                                        << "12345678\r\n"
                                        << "123456789\n"
                                        << std::string(50, 'y');
  const auto lines = read_all(path, 8);
  using L = std::pair<std::string, bool>;
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0], L("abc", false));
  EXPECT_EQ(lines[1], L("xxxxxxxx", true));
  EXPECT_EQ(lines[2], L("12345678", false));  // exactly the cap; "\r\n" is not counted
  EXPECT_EQ(lines[3], L("12345678", true));
  EXPECT_EQ(lines[4], L("yyyyyyyy", true));  // the last line, without '\n'
}

TEST(LineReader, HugeLineIsDiscardedInChunksAndLineNumbersStayRight) {
  test::TempDir dir;
  const std::string path = dir.file("huge.txt");
  {
    std::ofstream out(path, std::ios::binary);
    out << "first\n";
    const std::string chunk(1 << 20, 'z');
    for (int i = 0; i < 24; ++i) out << chunk;  // 24 MiB, far over the buffer
    out << "\nlast\n";
  }
  LineReader lines(path, 1024);
  std::string_view line;
  ASSERT_TRUE(lines.next(&line));
  EXPECT_EQ(line, "first");
  ASSERT_TRUE(lines.next(&line));
  EXPECT_TRUE(lines.truncated());
  EXPECT_EQ(line.size(), 1024u);
  ASSERT_TRUE(lines.next(&line));
  EXPECT_FALSE(lines.truncated());
  EXPECT_EQ(line, "last");
  EXPECT_EQ(lines.line_number(), 3u);
  EXPECT_FALSE(lines.next(&line));
}

TEST(LineReader, UnlimitedReadsAnyLineWhole) {
  test::TempDir dir;
  const std::string path = dir.file("one.json");
  std::ofstream(path, std::ios::binary) << std::string(5 << 20, 'j');
  const auto lines = read_all(path, LineReader::kUnlimited);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].first.size(), 5u << 20);
  EXPECT_FALSE(lines[0].second);
}

}  // namespace
}  // namespace kairos
