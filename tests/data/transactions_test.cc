// Transaction readers: CDNOW's two spellings, UCI Online Retail (cancellations, adjustments,
// missing customers, quoted descriptions), The Complete Journey (products table, categories, the
// per-category view), and buy events of an event format.
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

constexpr const char* kJourneyHeader =
    "household_id,store_id,basket_id,product_id,quantity,sales_value,retail_disc,coupon_disc,"
    "coupon_match_disc,week,transaction_timestamp\n";
constexpr const char* kProducts =
    "product_id,manufacturer_id,department,brand,product_category,product_type,package_size\n"
    "25671,2,GROCERY,National,FRZN ICE,ICE - CRUSHED/CUBED,22 LB\n"
    "26081,2,MISCELLANEOUS,National,,,\n"
    "26093,69,PASTRY,Private,BREAD,\"BREAD:ITALIAN/FRENCH\",\n"
    "26093,69,PASTRY,Private,ROLLS,,\n"  // a second row for one product: the first is kept
    "bad row\n"
    "6534178,2,FUEL,National,COUPON/MISC ITEMS,GASOLINE-REG UNLEADED,\n";

TEST(Transactions, CompleteJourneyJoinsProductsAndCountsSkips) {
  test::TempDir dir;
  write(dir, "products.csv", kProducts);
  const auto path = write(dir, "transactions.csv",
                          std::string(kJourneyHeader) +
                              "2261,309,1,25671,2,3.86,0.43,0,0,5,2017-01-28 19:06:53\n"
                              "2131,368,2,26093,1,1.59,0.9,0,0,10,2017-03-01 03:31:57\n"
                              "2131,368,2,26081,1,0.50,0,0,0,10,2017-03-01 03:31:57\n"
                              "2131,368,3,99999,1,2.00,0,0,0,10,2017-03-02 10:00:00\n"
                              "2131,368,4,26093,0,0,0,0,0,10,2017-03-03 10:00:00\n"
                              "2131,368,4,26093,1,1.0,0,0,0,10,someday\n"
                              "2131,368,5,6534178,8776,27.0,0,0,0,10,2017-03-04 10:00:00\n");
  // products.csv beside the transactions file is found without being named.
  const Transactions t = read("completejourney", path);
  ASSERT_EQ(t.size(), 5u);
  EXPECT_EQ(t.day[0], day("2017-01-28"));
  EXPECT_DOUBLE_EQ(t.quantity[4], 1);  // gasoline: a volume in the file, one fill-up here
  EXPECT_DOUBLE_EQ(t.amount[4], 27.0);
  EXPECT_DOUBLE_EQ(t.quantity[0], 2);
  EXPECT_DOUBLE_EQ(t.amount[0], 3.86);
  EXPECT_EQ(t.item_text[t.item[0]], "GROCERY National FRZN ICE ICE - CRUSHED/CUBED 22 LB");
  EXPECT_DOUBLE_EQ(t.item_price[t.item[0]], 1.93);
  EXPECT_EQ(t.categories.name(t.category_of(t.item[0])), "FRZN ICE");
  EXPECT_EQ(t.categories.name(t.category_of(t.item[1])), "BREAD");  // the first products row
  EXPECT_EQ(t.categories.name(t.category_of(t.item[2])), "(no category)");
  EXPECT_EQ(t.category_of(t.item[3]), Transactions::kNoCategory);  // not in products.csv
  const auto& s = t.report.skipped;
  EXPECT_EQ(s.at("quantity <= 0 (coupon or return line)").count, 1u);
  EXPECT_EQ(s.at("transaction_timestamp does not start with YYYY-MM-DD").count, 1u);
  EXPECT_EQ(s.at("item table: product_id given twice (the first row is kept)").count, 1u);
  EXPECT_EQ(s.at("item table: expected 7 columns, found 1").count, 1u);
  EXPECT_EQ(t.report.rows_read, 7u);
  EXPECT_EQ(t.report.side_rows_read, 6u);
  EXPECT_EQ(t.report.side_rows_used, 4u);

  // Per category: the same lines, categories as the items; unknown ones kept as one category.
  const Transactions c = by_category(t);
  ASSERT_EQ(c.size(), t.size());
  EXPECT_EQ(c.items.name(c.item[4]), "COUPON/MISC ITEMS");
  EXPECT_EQ(c.items.name(c.item[0]), "FRZN ICE");
  EXPECT_EQ(c.items.name(c.item[1]), "BREAD");
  EXPECT_EQ(c.items.name(c.item[2]), "(no category)");
  EXPECT_EQ(c.items.name(c.item[3]), "(no category)");
  EXPECT_DOUBLE_EQ(c.quantity[0], 2);
  EXPECT_EQ(c.customers.name(c.customer[1]), "2131");
}

TEST(Transactions, CompleteJourneyProductsNamedAmongTheFilesAndNoCategoriesIsAnError) {
  test::TempDir dir;
  const auto products = write(dir, "my_products.csv", kProducts);
  const auto path =
      write(dir, "t.csv",
            std::string(kJourneyHeader) + "1,1,1,25671,1,1.0,0,0,0,1,2017-01-01 00:00:00\n");
  ReadOptions o;
  o.format = "completejourney";
  const Transactions t = read_transactions(o, {path, products});
  EXPECT_EQ(t.categories.name(t.category_of(t.item[0])), "FRZN ICE");
  EXPECT_THROW(read_transactions(o, {products}), Error);  // no transactions file
  const Transactions cdnow = read("cdnow", write(dir, "c.txt", " 00001 19970101  1   11.77\n"));
  EXPECT_THROW(by_category(cdnow), Error);
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
  EXPECT_EQ(t.categories.name(t.category_of(t.item[1])), "100");  // the event's category
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
