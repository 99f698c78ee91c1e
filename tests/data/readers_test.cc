// Every reader on small hand-written files, including malformed rows and compressed input.
#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

#include <fstream>

#include "core/error.h"
#include "data/reader.h"
#include "data/test_util.h"

namespace kairos {
namespace {

using test::read;
using test::skipped;
using test::write;

void expect_accounted(const EventLog& log) {
  EXPECT_EQ(log.report.rows_read, log.report.rows_accepted + log.report.rows_skipped());
}

TEST(Readers, TaobaoCountsMalformedRowsWithLineNumbers) {
  test::TempDir dir;
  write(dir.file("ub.csv"),
        "1,10,100,pv,1511544070\n"
        "1,11,100,cart,1511544080\n"
        "\n"
        "2,10,100,jump,1511544090\n"
        "2,10,100,pv\n"
        "2,12,101,buy,later\n"
        "3,12,101,fav,1511544100\r\n");
  const EventLog log = read("taobao", {dir.file("ub.csv")});
  EXPECT_EQ(log.report.rows_read, 6u);  // the blank line is not a row
  EXPECT_EQ(log.size(), 3u);
  EXPECT_EQ(skipped(log, "unknown behavior_type"), 1u);
  EXPECT_EQ(skipped(log, "expected 5 columns, found 4"), 1u);
  EXPECT_EQ(skipped(log, "timestamp is not an integer"), 1u);
  EXPECT_EQ(log.report.skipped.at("unknown behavior_type").examples[0], dir.file("ub.csv") + ":4");
  EXPECT_EQ(log.type[1], EventType::kCart);
  EXPECT_EQ(log.type[2], EventType::kFav);
  EXPECT_EQ(log.ts_ms[0], 1511544070000);
  EXPECT_EQ(log.users.size(), 2u);
  EXPECT_EQ(log.categories.size(), 2u);
  expect_accounted(log);
  ASSERT_FALSE(log.report.describe().empty());
  EXPECT_NE(log.report.describe()[0].find(":"), std::string::npos);
}

TEST(Readers, StrictStopsAtTheFirstMalformedRowNamingIt) {
  test::TempDir dir;
  write(dir.file("ub.csv"), "1,10,100,pv,1\n1,10,100,pv\n");
  ReadOptions o;
  o.strict = true;
  try {
    read("taobao", {dir.file("ub.csv")}, o);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput);
    EXPECT_NE(std::string(e.what()).find("ub.csv:2"), std::string::npos) << e.what();
  }
}

TEST(Readers, UnknownFormatAndMissingFileAreClearErrors) {
  test::TempDir dir;
  EXPECT_THROW(read("parquet", {dir.file("x")}), Error);
  try {
    read("taobao", {dir.file("missing.csv")});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kIo);
    EXPECT_NE(std::string(e.what()).find("missing.csv"), std::string::npos);
  }
}

TEST(Readers, GzipAndZstdAreReadTransparently) {
  test::TempDir dir;
  std::string text;
  for (int i = 0; i < 5000; ++i)
    text += "7," + std::to_string(i % 50) + ",3,pv," + std::to_string(1000 + i) + "\n";
  const std::string gz = dir.file("ub.csv.gz");
  gzFile f = gzopen(gz.c_str(), "wb");
  gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
  gzclose(f);
  std::string zst(ZSTD_compressBound(text.size()), '\0');
  zst.resize(ZSTD_compress(zst.data(), zst.size(), text.data(), text.size(), 3));
  write(dir.file("ub.zst"), zst);  // compression is found by magic bytes, not the name
  const EventLog a = read("taobao", {gz});
  const EventLog b = read("taobao", {dir.file("ub.zst")});
  EXPECT_EQ(a.size(), 5000u);
  EXPECT_EQ(b.size(), 5000u);
  EXPECT_EQ(a.ts_ms.back(), 5999000);
  EXPECT_EQ(b.items.size(), 50u);
}

TEST(Readers, TruncatedGzipIsAnInputError) {
  test::TempDir dir;
  std::string text(100000, 'x');
  const std::string gz = dir.file("t.gz");
  gzFile f = gzopen(gz.c_str(), "wb");
  gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
  gzclose(f);
  std::ifstream in(gz, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  write(gz, bytes.substr(0, bytes.size() / 2));
  EXPECT_THROW(read("taobao", {gz}), Error);
}

TEST(Readers, RetailRocketEventsAndCategoryProperties) {
  test::TempDir dir;
  write(dir.file("events.csv"),
        "timestamp,visitorid,event,itemid,transactionid\n"
        "1433221332117,257597,view,355908,\n"
        "1433224214164,992329,addtocart,248676,\n"
        "1433221999827,111016,transaction,355908,4000\n"
        "1433221999827,111016,click,355908,\n");
  write(dir.file("props.csv"),
        "timestamp,itemid,property,value\n"
        "1435460400000,355908,categoryid,1338\n"
        "1435460400000,355908,available,1\n"
        "1441508400000,355908,categoryid,999\n"
        "1441508400000,248676\n");
  ReadOptions o;
  o.item_attribute_files = {dir.file("props.csv")};
  const EventLog log = read("retailrocket", {dir.file("events.csv")}, o);
  ASSERT_EQ(log.size(), 4u);  // "click" is an alias of view
  EXPECT_EQ(log.type[1], EventType::kCart);
  EXPECT_EQ(log.type[2], EventType::kBuy);
  EXPECT_EQ(log.ts_ms[0], 1433221332117);
  EXPECT_EQ(log.categories.name(log.item_category[log.items.find("355908")]), "1338");
  EXPECT_EQ(log.category_conflicts, 1u);  // the later categoryid 999
  EXPECT_EQ(log.report.side_rows_read, 4u);
  EXPECT_EQ(log.report.side_rows_used, 2u);
  EXPECT_EQ(skipped(log, "item table: expected 4 columns, found 2"), 1u);
}

TEST(Readers, RetailRocketMissingColumnNamesFileAndColumn) {
  test::TempDir dir;
  write(dir.file("events.csv"), "timestamp,visitor,event,itemid\n1,2,view,3\n");
  try {
    read("retailrocket", {dir.file("events.csv")});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("visitorid"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("events.csv"), std::string::npos) << e.what();
  }
}

TEST(Readers, DigineticaViewsPurchasesAndCategories) {
  test::TempDir dir;
  write(dir.file("views.csv"),
        "session_id;user_id;item_id;timeframe;eventdate\n"
        "1;NA;81766;526309;2016-05-09\n"
        "1;NA;31331;1031018;2016-05-09\n"
        "2;17;32118;243569;2016-05-10\n"
        "3;NA;32118;x;2016-05-10\n");
  write(dir.file("buys.csv"),
        "sessionId;userId;timeframe;eventdate;ordernumber;itemId\n"
        "1;NA;1100000;2016-05-09;16421;31331\n");
  write(dir.file("cats.csv"), "itemId;categoryId\n81766;1096\n31331;7\n");
  ReadOptions o;
  o.buy_files = {dir.file("buys.csv")};
  o.item_attribute_files = {dir.file("cats.csv")};
  const EventLog log = read("diginetica", {dir.file("views.csv")}, o);
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(log.type[3], EventType::kBuy);
  EXPECT_EQ(log.ts_ms[0], 1462752000000 + 526309);  // 2016-05-09 UTC + timeframe
  EXPECT_EQ(log.user[0], kNone);                    // NA = anonymous
  EXPECT_NE(log.user[2], kNone);
  EXPECT_EQ(log.session[3], log.session[0]);  // the purchase joins its session
  EXPECT_EQ(log.sessions.size(), 2u);
  EXPECT_EQ(log.categories.size(), 2u);
  EXPECT_EQ(log.report.side_rows_used, 2u);
  EXPECT_EQ(skipped(log, "timeframe is not an integer"), 1u);
  expect_accounted(log);
}

TEST(Readers, BuysFileIsRefusedForFormatsWithoutOne) {
  test::TempDir dir;
  write(dir.file("ub.csv"), "1,10,100,pv,1\n");
  ReadOptions o;
  o.buy_files = {dir.file("ub.csv")};
  EXPECT_THROW(read("taobao", {dir.file("ub.csv")}, o), Error);
}

TEST(Readers, YoochooseClicksAndBuys) {
  test::TempDir dir;
  write(dir.file("clicks.dat"),
        "1,2014-04-07T10:51:09.277Z,214536502,0\n"
        "1,2014-04-07T10:54:09.868Z,214536500,S\n"
        "2,2014-04-07 10:55:00,214536500,3\n"
        "2,07/04/2014,214536500,0\n");
  write(dir.file("buys.dat"), "1,2014-04-07T11:00:00.000Z,214536500,12462,1\n");
  ReadOptions o;
  o.buy_files = {dir.file("buys.dat")};
  const EventLog log = read("yoochoose", {dir.file("clicks.dat")}, o);
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(log.ts_ms[0], 1396867869277);
  EXPECT_EQ(log.item_category[log.item[0]], kNone);  // category 0 = unknown
  EXPECT_EQ(log.categories.size(), 1u);              // "S"; item 214536500's "3" conflicts
  EXPECT_EQ(log.category_conflicts, 1u);
  EXPECT_EQ(log.type[3], EventType::kBuy);
  EXPECT_EQ(skipped(log, "timestamp is not ISO-8601"), 1u);
  // A buys file passed as clicks is recognised.
  EXPECT_THROW(read("yoochoose", {dir.file("buys.dat")}), Error);
}

TEST(Readers, GenericCsvWithNamesQuotesTimeUnitsAndTypeMap) {
  test::TempDir dir;
  write(dir.file("log.tsv"),
        "ts\tshopper\tproduct\taction\tcat\n"
        "2020-01-01T00:00:01Z\tu1\t\"p 1\"\t1\tshoes\n"
        "2020-01-01T00:00:05Z\tu1\tp2\t2\tshoes\n"
        "2020-01-01T00:00:09Z\tu2\tp2\t9\tshoes\n"
        "bad\tu2\tp2\t1\tshoes\n"
        "2020-01-01T00:00:09Z\tu2\n");
  ReadOptions o;
  o.csv.separator = '\t';
  o.csv.user_col = "shopper";
  o.csv.item_col = "product";
  o.csv.type_col = "action";
  o.csv.category_col = "cat";
  o.csv.time_col = "ts";
  o.csv.time_unit = "iso";
  o.csv.type_values = {{"1", "view"}, {"2", "addtocart"}};
  const EventLog log = read("csv", {dir.file("log.tsv")}, o);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log.items.name(log.item[0]), "p 1");
  EXPECT_EQ(log.type[1], EventType::kCart);
  EXPECT_EQ(log.ts_ms[0], 1577836801000);
  EXPECT_EQ(skipped(log, "behaviour value not in --csv-type-map"), 1u);
  EXPECT_EQ(skipped(log, "bad time value"), 1u);
  EXPECT_EQ(skipped(log, "expected at least 5 columns, found 2"), 1u);
  expect_accounted(log);
}

TEST(Readers, GenericCsvByPositionWithoutHeader) {
  test::TempDir dir;
  write(dir.file("log.csv"), "s1,10,1500000000000\ns1,11,1500000001000\n");
  ReadOptions o;
  o.csv.header = false;
  o.csv.session_col = "0";
  o.csv.item_col = "1";
  o.csv.time_col = "2";
  o.csv.time_unit = "ms";
  const EventLog log = read("csv", {dir.file("log.csv")}, o);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log.ts_ms[1], 1500000001000);
  EXPECT_EQ(log.sessions.size(), 1u);
  // A column name without a header is a usage error; so is a missing named column.
  o.csv.item_col = "item";
  EXPECT_THROW(read("csv", {dir.file("log.csv")}, o), Error);
}

TEST(Readers, SessionLinesTimedAndUntimed) {
  test::TempDir dir;
  write(dir.file("train.txt"), "# comment\n1 2 3\n\n4 5\n");
  write(dir.file("test.tsv"), "1:100 2:160\n3:200 x:\n2:300 4\n");
  const EventLog a = read("session-lines", {dir.file("train.txt")});
  EXPECT_EQ(a.report.rows_read, 2u);
  EXPECT_EQ(a.size(), 5u);
  EXPECT_EQ(a.sessions.size(), 2u);
  EXPECT_TRUE(a.part_untimed[0]);
  EXPECT_FALSE(a.part_timed[0]);
  EXPECT_LT(a.ts_ms[0], a.ts_ms[1]);
  const EventLog b = read("session-lines", {dir.file("test.tsv")});
  EXPECT_EQ(b.size(), 2u);
  EXPECT_EQ(b.ts_ms[1], 160000);
  EXPECT_TRUE(b.part_timed[0]);
  EXPECT_EQ(b.report.rows_skipped(), 2u);  // a bad time, a mix of timed and untimed tokens
}

TEST(Readers, PredefinedTestSessionsDoNotMergeWithTrainingSessions) {
  test::TempDir dir;
  write(dir.file("a.txt"), "1 2\n");
  write(dir.file("b.txt"), "1 2\n");
  EventLog log;
  ReadOptions o;
  o.format = "session-lines";
  read_events(o, {dir.file("a.txt")}, &log);
  log.begin_test_part();
  read_events(o, {dir.file("b.txt")}, &log);
  EXPECT_EQ(log.sessions.size(), 2u);
  EXPECT_EQ(log.test_begin, 2u);
}

TEST(Readers, UserSequencesWithAttributeJson) {
  test::TempDir dir;
  write(dir.file("seq.txt"), "1 1 2 3\n2 4 1\n3\n");
  write(dir.file("attrs.json"), R"({"1": [7, 8], "2": [9], "4": []})");
  ReadOptions o;
  o.item_attribute_files = {dir.file("attrs.json")};
  const EventLog log = read("user-sequences", {dir.file("seq.txt")}, o);
  EXPECT_EQ(log.size(), 5u);
  EXPECT_EQ(log.users.size(), 2u);
  EXPECT_EQ(log.user[3], log.user[4]);
  EXPECT_EQ(log.session[0], kNone);
  EXPECT_EQ(log.categories.name(log.item_category[log.items.find("1")]), "7");
  EXPECT_EQ(skipped(log, "a user id with no items"), 1u);
  EXPECT_EQ(skipped(log, "item table: attributes are not a non-empty list"), 1u);
}

TEST(Readers, CategorySessionsAlignCategoriesWithItems) {
  test::TempDir dir;
  write(dir.file("train.txt"),
        "sessionId\tcategorys\titems\n"
        "0\t0,0,1\t10,11,12\n"
        "1\t2,2\t13\n");
  const EventLog log = read("category-sessions", {dir.file("train.txt")});
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log.categories.name(log.item_category[log.items.find("12")]), "1");
  EXPECT_EQ(skipped(log, "2 categories for 1 items"), 1u);
  EXPECT_TRUE(log.part_untimed[0]);
}

}  // namespace
}  // namespace kairos
