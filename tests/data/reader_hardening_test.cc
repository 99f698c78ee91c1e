// Issue 11 regressions: every reader skips (and counts, with the line number) over-long lines,
// out-of-range timestamps and ids that are not clean UTF-8 text, and keeps reading after them.
#include <gtest/gtest.h>

#include <fstream>

#include "core/error.h"
#include "data/reader.h"
#include "data/test_util.h"

namespace kairos {
namespace {

using test::read;
using test::skipped;
using test::write;

std::string first_example(const EventLog& log, const std::string& reason) {
  const auto it = log.report.skipped.find(reason);
  return it == log.report.skipped.end() ? "" : it->second.examples.at(0);
}

void expect_accounted(const EventLog& log) {
  EXPECT_EQ(log.report.rows_read, log.report.rows_accepted + log.report.rows_skipped());
}

TEST(ReaderHardening, GenericCsvKeepsTwoEscapedFieldsIntact) {
  test::TempDir dir;
  write(dir.file("log.csv"),
        "session,item,category\n"
        "s1,\"a\"\"1\",\"c\"\"1\"\n"
        "s1,\"b\"\"2\",\"c\"\"2\"\n");
  ReadOptions o;
  o.csv.session_col = "session";
  o.csv.item_col = "item";
  o.csv.category_col = "category";
  const EventLog log = read("csv", {dir.file("log.csv")}, o);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log.items.name(log.item[0]), "a\"1");
  EXPECT_EQ(log.categories.name(log.item_category[log.item[0]]), "c\"1");
  EXPECT_EQ(log.items.name(log.item[1]), "b\"2");
  EXPECT_EQ(log.categories.name(log.item_category[log.item[1]]), "c\"2");
}

TEST(ReaderHardening, OverLongLineIsSkippedWithItsLineNumberAndReadingResumes) {
  test::TempDir dir;
  const std::string path = dir.file("ub.csv");
  write(path, "1,10,100,pv,1511544070\n" + std::string(3 << 20, 'x') +
                  "\n1,11,100,pv,1511544080\n" + std::string(2 << 20, 'y'));
  const EventLog log = read("taobao", {path});
  EXPECT_EQ(log.size(), 2u);
  EXPECT_EQ(log.report.rows_read, 4u);
  const std::string reason = "line longer than 1048576 bytes";
  EXPECT_EQ(skipped(log, reason), 2u);
  EXPECT_EQ(first_example(log, reason), path + ":2");
  EXPECT_EQ(log.report.skipped.at(reason).examples.at(1), path + ":4");
  expect_accounted(log);
}

TEST(ReaderHardening, TimestampsThatOverflowOrLeaveYears1To9999AreSkipped) {
  test::TempDir dir;
  const std::string reason = "timestamp out of range";
  write(dir.file("ub.csv"),
        "1,10,100,pv,9223372036854775\n"  // * 1000 overflows int64
        "1,10,100,pv,253402300800\n"      // year 10000
        "1,10,100,pv,1511544070\n");
  const EventLog taobao = read("taobao", {dir.file("ub.csv")});
  EXPECT_EQ(taobao.size(), 1u);
  EXPECT_EQ(skipped(taobao, reason), 2u);
  EXPECT_EQ(first_example(taobao, reason), dir.file("ub.csv") + ":1");

  write(dir.file("rr.csv"),
        "timestamp,visitorid,event,itemid,transactionid\n"
        "-9223372036854775808,1,view,5,\n"
        "1433221332117,1,view,5,\n");
  EXPECT_EQ(skipped(read("retailrocket", {dir.file("rr.csv")}), reason), 1u);

  write(dir.file("views.csv"),
        "session_id;user_id;item_id;timeframe;eventdate\n"
        "1;NA;81766;9223372036854775807;2016-05-09\n"
        "1;NA;81766;526309;2016-05-09\n");
  const EventLog digi = read("diginetica", {dir.file("views.csv")});
  EXPECT_EQ(digi.size(), 1u);
  EXPECT_EQ(skipped(digi, reason), 1u);

  write(dir.file("log.csv"), "s,i,t\ns1,1,9223372036854775807\ns1,2,1e300\ns1,3,nan\ns1,4,10\n");
  ReadOptions o;
  o.csv.session_col = "s";
  o.csv.item_col = "i";
  o.csv.time_col = "t";
  const EventLog csv = read("csv", {dir.file("log.csv")}, o);
  EXPECT_EQ(csv.size(), 1u);
  EXPECT_EQ(skipped(csv, reason), 3u);  // 9223372036854775807 s, 1e300 s and NaN

  write(dir.file("lines.txt"), "1:9223372036854775 2:9223372036854776\n1:100 2:1e300\n1:1 2:2\n");
  const EventLog lines = read("session-lines", {dir.file("lines.txt")});
  EXPECT_EQ(lines.size(), 2u);
  EXPECT_EQ(skipped(lines, reason), 2u);
}

TEST(ReaderHardening, EveryReaderSkipsIdsThatAreNotCleanText) {
  test::TempDir dir;
  write(dir.file("ub.csv"), std::string("1,a\x01z,100,pv,1511544070\n"
                                        "\xff,10,100,pv,1511544070\n"
                                        "1,10,c\tx,pv,1511544070\n"
                                        "1,a\rb,100,pv,1511544070\n"
                                        "1,a") +
                                '\0' + "b,100,pv,1511544070\n" + "1,10,100,pv,1511544070\n");
  const EventLog taobao = read("taobao", {dir.file("ub.csv")});
  EXPECT_EQ(taobao.size(), 1u);
  EXPECT_EQ(skipped(taobao, "item id: control character"), 3u);
  EXPECT_EQ(skipped(taobao, "user id: invalid UTF-8"), 1u);
  EXPECT_EQ(skipped(taobao, "category id: control character"), 1u);
  EXPECT_EQ(first_example(taobao, "user id: invalid UTF-8"), dir.file("ub.csv") + ":2");
  expect_accounted(taobao);

  write(dir.file("rr.csv"),
        "timestamp,visitorid,event,itemid,transactionid\n"
        "1433221332117,1,view,\xc0\xaf,\n"  // overlong encoding of '/'
        "1433221332117,1,view,5,\n");
  EXPECT_EQ(skipped(read("retailrocket", {dir.file("rr.csv")}), "item id: invalid UTF-8"), 1u);

  write(dir.file("views.csv"),
        "session_id;user_id;item_id;timeframe;eventdate\n"
        "1\x1b;NA;81766;526309;2016-05-09\n"
        "1;NA;81766;526309;2016-05-09\n");
  EXPECT_EQ(skipped(read("diginetica", {dir.file("views.csv")}), "session id: control character"),
            1u);

  write(dir.file("clicks.dat"),
        "1,2014-04-07T10:51:09.277Z,21\xed\xa0\x80,0\n"  // a UTF-16 surrogate
        "1,2014-04-07T10:51:09.277Z,214536502,0\n");
  EXPECT_EQ(skipped(read("yoochoose", {dir.file("clicks.dat")}), "item id: invalid UTF-8"), 1u);

  write(dir.file("log.csv"), "s,i\ns1,\"p\x02\"\ns1,ok\n");
  ReadOptions o;
  o.csv.session_col = "s";
  o.csv.item_col = "i";
  const EventLog csv = read("csv", {dir.file("log.csv")}, o);
  EXPECT_EQ(csv.size(), 1u);
  EXPECT_EQ(skipped(csv, "item id: control character"), 1u);

  write(dir.file("seq.txt"), "u\x7f 1 2\nu 1 \xe2\x82\nu 1 2\n");
  const EventLog seq = read("user-sequences", {dir.file("seq.txt")});
  EXPECT_EQ(seq.size(), 2u);
  EXPECT_EQ(skipped(seq, "user id: control character"), 1u);
  EXPECT_EQ(skipped(seq, "item id: invalid UTF-8"), 1u);

  write(dir.file("lines.txt"), "1 \x05 2\n1 2\n");
  EXPECT_EQ(skipped(read("session-lines", {dir.file("lines.txt")}), "item id: control character"),
            1u);

  write(dir.file("cats.txt"), "sessionId\tcategorys\titems\n0\t0,\x03\t10,11\n1\t0\t10\n");
  EXPECT_EQ(
      skipped(read("category-sessions", {dir.file("cats.txt")}), "category id: control character"),
      1u);
}

TEST(ReaderHardening, ItemSideTablesSkipIdsThatAreNotCleanText) {
  test::TempDir dir;
  write(dir.file("seq.txt"), "1 1 2\n");
  write(dir.file("attrs.json"), R"({"1": ["c\u0001"], "2\u0000": [9], "3": [4]})");
  ReadOptions o;
  o.item_attribute_files = {dir.file("attrs.json")};
  const EventLog json = read("user-sequences", {dir.file("seq.txt")}, o);
  EXPECT_EQ(skipped(json, "item table: category id: control character"), 1u);
  EXPECT_EQ(skipped(json, "item table: item id: control character"), 1u);
  EXPECT_EQ(json.report.side_rows_used, 1u);

  write(dir.file("cats.csv"), "itemId;categoryId\n1;\xf8\x88\x80\x80\x80\n2;7\n");
  o.item_attribute_files = {dir.file("cats.csv")};
  EXPECT_EQ(skipped(read("user-sequences", {dir.file("seq.txt")}, o),
                    "item table: category id: invalid UTF-8"),
            1u);

  write(dir.file("props.csv"),
        "timestamp,itemid,property,value\n1,\x10,categoryid,3\n1,2,categoryid,3\n");
  o.item_attribute_files = {dir.file("props.csv")};
  EXPECT_EQ(skipped(read("user-sequences", {dir.file("seq.txt")}, o),
                    "item table: item id: control character"),
            1u);
}

// Found by the reader_item_table fuzzer: a number too large for a double escaped as nlohmann's
// out_of_range (not parse_error) and ended the process.
TEST(ReaderHardening, OutOfRangeJsonNumberIsAnInputError) {
  test::TempDir dir;
  write(dir.file("seq.txt"), "1 1 2\n");
  write(dir.file("attrs.json"), R"({"1": [7e444]})");
  ReadOptions o;
  o.item_attribute_files = {dir.file("attrs.json")};
  try {
    read("user-sequences", {dir.file("seq.txt")}, o);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput);
    EXPECT_NE(std::string(e.what()).find("attrs.json: not valid JSON"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace kairos
