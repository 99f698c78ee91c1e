// Reading one file on several threads gives the log one thread gives: the same ids in the same
// order, the same item categories and conflicts, the same report (line numbers included), and
// with --strict the earliest bad row's error.
#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <string>

#include "core/error.h"
#include "core/rng.h"
#include "data/readers/file_chunks.h"
#include "data/test_util.h"

namespace kairos {
namespace {

using test::write;

std::vector<std::string> names(const IdMap& m) {
  std::vector<std::string> out;
  for (uint32_t i = 0; i < m.size(); ++i) out.push_back(m.name(i));
  return out;
}

void expect_same_log(const EventLog& a, const EventLog& b) {
  EXPECT_EQ(a.user, b.user);
  EXPECT_EQ(a.session, b.session);
  EXPECT_EQ(a.item, b.item);
  EXPECT_EQ(a.ts_ms, b.ts_ms);
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(names(a.users), names(b.users));
  EXPECT_EQ(names(a.sessions), names(b.sessions));
  EXPECT_EQ(names(a.items), names(b.items));
  EXPECT_EQ(names(a.categories), names(b.categories));
  EXPECT_EQ(a.item_category, b.item_category);
  EXPECT_EQ(a.category_conflicts, b.category_conflicts);
  EXPECT_EQ(a.report.rows_read, b.report.rows_read);
  EXPECT_EQ(a.report.rows_accepted, b.report.rows_accepted);
  EXPECT_EQ(a.report.events_added, b.report.events_added);
  EXPECT_EQ(a.report.describe(), b.report.describe());  // counts and example lines
  EXPECT_EQ(a.part_timed[0], b.part_timed[0]);
}

// A Taobao log with what makes a parallel read hard: a header, malformed rows spread over the
// file, string ids beside numeric ones, items whose category changes later in the file (conflicts
// across ranges), categories first named by a conflicting row and only later by an item's first
// row, rows without a category, blank lines.
std::string hard_taobao_log(int rows) {
  Rng rng(7);
  std::string text = "user_id,item_id,category_id,behavior_type,timestamp\n";
  static const char* kTypes[] = {"pv", "pv", "pv", "cart", "fav", "buy"};
  for (int r = 0; r < rows; ++r) {
    const uint64_t user = rng.below(50), item = rng.below(300);
    std::string item_id = item % 7 == 0 ? "P-" + std::to_string(item) : std::to_string(item);
    // Mostly the item's own category; sometimes another one, or a category only some rows name.
    std::string category = std::to_string(item % 40);
    const uint64_t roll = rng.below(100);
    if (roll < 5) category = std::to_string(1000 + rng.below(30));
    if (roll >= 5 && roll < 8) category.clear();
    const uint64_t ts = 1511544000 + static_cast<uint64_t>(r) * 7 + rng.below(5);
    if (r % 97 == 13) {
      text += fmt::format("{},{},{},jump,{}\n", user, item_id, category, ts);  // bad type
    } else if (r % 131 == 40) {
      text += fmt::format("{},{},{}\n", user, item_id, category);  // 3 columns
    } else if (r % 211 == 0) {
      text += "\n";
    } else {
      text += fmt::format("{},{},{},{},{}\n", user, item_id, category, kTypes[rng.below(6)], ts);
    }
  }
  return text;
}

EventLog read_with(const std::string& path, int threads, bool strict = false,
                   bool test_part = false) {
  ReadOptions o;
  o.format = "taobao";
  o.threads = threads;
  o.parallel_min_bytes = 1;
  o.strict = strict;
  EventLog log;
  log.report.strict = strict;
  if (test_part) log.begin_test_part();
  read_events(o, {path}, &log);
  return log;
}

TEST(ChunkedRead, SeveralThreadsBuildTheLogOfOne) {
  test::TempDir dir;
  write(dir.file("ub.csv"), hard_taobao_log(5000));
  const EventLog one = read_with(dir.file("ub.csv"), 1);
  ASSERT_GT(one.category_conflicts, 0u);
  ASSERT_GT(one.report.rows_skipped(), 0u);
  for (int threads : {2, 3, 7}) {
    SCOPED_TRACE(threads);
    expect_same_log(read_with(dir.file("ub.csv"), threads), one);
  }
  // A log already in its test part (--test files) appends in that part too.
  expect_same_log(read_with(dir.file("ub.csv"), 3, false, true),
                  read_with(dir.file("ub.csv"), 1, false, true));
}

TEST(ChunkedRead, AppendedToALogThatHoldsEarlierFiles) {
  test::TempDir dir;
  write(dir.file("a.csv"), hard_taobao_log(800));
  write(dir.file("b.csv"), hard_taobao_log(3000));
  ReadOptions o;
  o.format = "taobao";
  o.parallel_min_bytes = 1;
  EventLog one, three;
  read_events(o, {dir.file("a.csv"), dir.file("b.csv")}, &one);
  o.threads = 3;
  read_events(o, {dir.file("a.csv"), dir.file("b.csv")}, &three);
  expect_same_log(three, one);
}

TEST(ChunkedRead, StrictStopsAtTheEarliestBadRow) {
  test::TempDir dir;
  std::string text;
  for (int r = 0; r < 400; ++r) text += fmt::format("1,{},5,pv,{}\n", r, 1511544000 + r);
  // Bad rows at lines 301 and 351: with several threads a later range may reach its own first.
  const auto start_of_line = [&](int line) {
    size_t at = 0;
    for (int i = 1; i < line; ++i) at = text.find('\n', at) + 1;
    return at;
  };
  text.insert(start_of_line(350), "1,y,5,pv,soon\n");
  text.insert(start_of_line(301), "1,x,5,jump,1\n");
  write(dir.file("ub.csv"), text);
  for (int threads : {1, 2, 4}) {
    SCOPED_TRACE(threads);
    try {
      read_with(dir.file("ub.csv"), threads, true);
      FAIL() << "no error";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("ub.csv:301: malformed row: unknown behavior_type"),
                std::string::npos)
          << e.what();
    }
  }
}

TEST(ChunkedRead, CompressedFilesAreReadByOneThread) {
  test::TempDir gz_dir, plain_dir;  // one file name, so that the reports' examples compare
  const std::string text = hard_taobao_log(1000);
  gzFile gz = gzopen(gz_dir.file("ub.csv").c_str(), "wb");
  gzwrite(gz, text.data(), static_cast<unsigned>(text.size()));
  gzclose(gz);
  write(plain_dir.file("ub.csv"), text);
  EventLog compressed = read_with(gz_dir.file("ub.csv"), 4);
  EventLog plain = read_with(plain_dir.file("ub.csv"), 1);
  for (EventLog* log : {&compressed, &plain}) {
    for (auto& [reason, r] : log->report.skipped) {
      for (auto& e : r.examples) e = std::filesystem::path(e).filename().string();
    }
  }
  expect_same_log(compressed, plain);
}

TEST(FileChunks, AnEmptyFileHasNoRanges) {
  test::TempDir dir;
  write(dir.file("empty"), "");
  EXPECT_TRUE(readers::split_at_lines(dir.file("empty"), 4).empty());
}

TEST(FileChunks, RangesStartAtLinesAndCountTheLinesBefore) {
  test::TempDir dir;
  write(dir.file("f"), "a\nbb\n\nccc\r\ndddd\nlast-without-newline");
  const std::string text = "a\nbb\n\nccc\r\ndddd\nlast-without-newline";
  for (int n : {1, 2, 3, 5, 40}) {
    SCOPED_TRACE(n);
    const auto ranges = readers::split_at_lines(dir.file("f"), n);
    ASSERT_FALSE(ranges.empty());
    EXPECT_LE(ranges.size(), static_cast<size_t>(n));
    EXPECT_EQ(ranges.front().begin, 0u);
    EXPECT_EQ(ranges.back().end, text.size());
    for (size_t k = 0; k < ranges.size(); ++k) {
      EXPECT_LT(ranges[k].begin, ranges[k].end);
      if (k > 0) {
        EXPECT_EQ(ranges[k].begin, ranges[k - 1].end);
        EXPECT_EQ(text[ranges[k].begin - 1], '\n');
      }
      const auto before = std::count(text.begin(), text.begin() + ranges[k].begin, '\n');
      EXPECT_EQ(ranges[k].lines_before, static_cast<uint64_t>(before));
    }
    // The ranges' lines, read by LineReader, are the file's, numbered as in the file.
    std::vector<std::pair<uint64_t, std::string>> lines;
    for (const auto& r : ranges) {
      LineReader reader(dir.file("f"), r, 1024);
      std::string_view line;
      while (reader.next(&line)) lines.emplace_back(reader.line_number(), std::string(line));
    }
    const std::vector<std::pair<uint64_t, std::string>> want = {
        {1, "a"}, {2, "bb"}, {3, ""}, {4, "ccc"}, {5, "dddd"}, {6, "last-without-newline"}};
    EXPECT_EQ(lines, want);
  }
}

}  // namespace
}  // namespace kairos
