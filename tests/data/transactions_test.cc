// Transaction readers: CDNOW's two spellings, UCI Online Retail (cancellations, adjustments,
// missing customers, quoted descriptions), and buy events of an event format.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "core/error.h"
#include "data/fields.h"
#include "data/test_util.h"
#include "data/transactions.h"

namespace kairos {
namespace {

std::string write(const test::TempDir& dir, const std::string& name, const std::string& text) {
  std::ofstream(dir.file(name)) << text;
  return dir.file(name);
}

Transactions read(const std::string& format, const std::string& path) {
  ReadOptions o;
  o.format = format;
  return read_transactions(o, {path});
}

int32_t day(const char* iso) {
  int64_t ms = 0;
  EXPECT_TRUE(parse_date_ms(iso, &ms));
  return static_cast<int32_t>(ms / 86400000);
}

TEST(Transactions, CdnowFixedWidthRowsAndCountedSkips) {
  test::TempDir dir;
  const auto path = write(dir, "cdnow.txt",
                          " 00001 19970101  1   11.77\n"
                          " 00002 19970112  1   12.00\n"
                          " 00002 19970112  5   77.00\n"
                          " 00003 1997011  2   20.00\n"   // bad date
                          " 00004 19970105  x   20.00\n"  // bad count
                          " 00005 19970105  2\n");        // short row
  const Transactions t = read("cdnow", path);
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t.customers.size(), 2u);
  EXPECT_EQ(t.day[0], day("1997-01-01"));
  EXPECT_DOUBLE_EQ(t.quantity[2], 5);
  EXPECT_DOUBLE_EQ(t.amount[2], 77.0);
  EXPECT_EQ(t.report.rows_read, 6u);
  EXPECT_EQ(t.report.rows_skipped(), 3u);
  EXPECT_EQ(t.report.skipped.at("date is not yyyymmdd").examples.at(0), path + ":4");
}

TEST(Transactions, CdnowElogCsv) {
  test::TempDir dir;
  const auto path = write(dir, "elog.csv",
                          "masterid,sampleid,date,cds,sales\n"
                          "4,1,19970101,2,29.33\n"
                          "4,1,19970118,2,29.73\n"
                          "21,2,19970101,3,63.34\n");
  const Transactions t = read("cdnow-elog", path);
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t.customers.name(t.customer[2]), "21");
  EXPECT_EQ(t.day[1], day("1997-01-18"));
}

TEST(Transactions, OnlineRetailSkipsCancellationsAdjustmentsAndAnonymousRows) {
  test::TempDir dir;
  const auto path =
      write(dir, "retail.csv",
            "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
            "536365,85123A,WHITE HANGING HEART,6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n"
            "536381,82567,\"AIRLINE LOUNGE,METAL SIGN\",2,2010-12-01 09:41:00,2.1,15311,United "
            "Kingdom\n"
            "C536379,D,Discount,-1,2010-12-01 09:41:00,27.5,14527,United Kingdom\n"
            "A563185,B,Adjust bad debt,1,2011-08-12 14:50:00,11062.06,,United Kingdom\n"
            "536414,22139,,56,2010-12-01 11:52:00,0,,United Kingdom\n"
            "536415,22139,X,0,2010-12-01 11:52:00,1,15311,United Kingdom\n"
            "536416,22139,X,3,yesterday,1,15311,United Kingdom\n");
  const Transactions t = read("online-retail", path);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_DOUBLE_EQ(t.amount[0], 6 * 2.55);
  EXPECT_EQ(t.items.name(t.item[1]), "82567");
  const auto& s = t.report.skipped;
  EXPECT_EQ(s.at("cancellation (InvoiceNo C...)").count, 1u);
  EXPECT_EQ(s.at("adjustment (InvoiceNo A...)").count, 1u);
  EXPECT_EQ(s.at("no CustomerID").count, 1u);
  EXPECT_EQ(s.at("Quantity <= 0 outside a cancellation").count, 1u);
  EXPECT_EQ(s.at("InvoiceDate does not start with YYYY-MM-DD").count, 1u);
  EXPECT_EQ(t.report.rows_read, 7u);
  // Demand keeps anonymous sales (a sale is a sale); customer-level tasks cannot use them.
  ReadOptions o;
  o.format = "online-retail";
  const Transactions all = read_transactions(o, {path}, /*anonymous=*/true);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all.customers.name(all.customer[2]), kAnonymousCustomer);
  EXPECT_EQ(all.report.skipped.count("no CustomerID"), 0u);
}

TEST(Transactions, EventFormatBuysOfKnownUsersAndTheRestCounted) {
  test::TempDir dir;
  // taobao: user,item,category,behaviour,timestamp (seconds)
  const auto path = write(dir, "taobao.csv",
                          "1,10,100,pv,1511544070\n"
                          "1,10,100,buy,1511544080\n"
                          "2,11,100,buy,1511630480\n"
                          "2,12,100,cart,1511630490\n");
  const Transactions t = read("taobao", path);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_TRUE(std::isnan(t.amount[0]));
  EXPECT_EQ(t.report.skipped.at("event is not a purchase (view, cart, fav)").count, 2u);
}

TEST(Transactions, UnknownFormatAndEmptyInputAreClearErrors) {
  test::TempDir dir;
  const auto path = write(dir, "x.txt", " 00003 1997011  2   20.00\n");
  EXPECT_THROW(read("nope", path), Error);
  try {
    read("cdnow", path);
    FAIL() << "no purchases must be an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("date is not yyyymmdd"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace kairos
