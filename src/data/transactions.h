// Transactions: customers' purchase lines, the input of the customer-level tasks (return / churn;
// docs/TASKS.md "Return"). Formats (docs/FORMATS.md "Transactions"):
//   cdnow          CDNOW_master.txt (Fader & Hardie): fixed-width `customer yyyymmdd cds dollars`
//   cdnow-elog     BTYD's cdnowElog.csv (the 1/10 sample): masterid,sampleid,date,cds,sales
//   online-retail  UCI Online Retail CSV (InvoiceNo,StockCode,Description,Quantity,InvoiceDate,
//                  UnitPrice,CustomerID,Country); cancellations (InvoiceNo C…), adjustments
//                  (A…), rows without CustomerID and non-positive quantities are skipped, counted
//   completejourney  84.51 The Complete Journey transactions CSV (household_id, product_id,
//                  quantity, sales_value, transaction_timestamp, ...) with its products.csv
//                  (department, brand, product_category, product_type, package_size): given
//                  among the files, or found beside the transactions file. Rows with quantity
//                  <= 0 (coupons, returns) are skipped, counted; gasoline lines (product_type
//                  GASOLINE…), whose quantity is a volume, count as 1 unit each (logged)
//   any event format of data/reader.h: the buy events of known users (quantity 1, amount unknown;
//                  items keep the categories the format gives, e.g. taobao's)
// Times are days: customer-level models work on purchase *days* (same-day lines are one purchase
// occasion, BTYD's dc.MergeTransactionsOnSameDate), so the clock is the calendar date as written.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/id_map.h"
#include "data/read_report.h"
#include "data/reader.h"

namespace kairos {

struct Transactions {
  // Per line (all the same length).
  std::vector<uint32_t> customer;  // dense customer id
  std::vector<int32_t> day;        // days since 1970-01-01
  std::vector<double> quantity;    // units (1 when the format has none)
  std::vector<double> amount;      // money; NaN when the format has none
  std::vector<uint32_t> item;      // dense item id, or UINT32_MAX when the format has none

  IdMap customers, items;
  // Per dense item, where the format has them (online-retail: Description and UnitPrice as first
  // seen): the audience task's attributes of items never sold before. Empty / NaN otherwise.
  std::vector<std::string> item_text;
  std::vector<double> item_price;
  // Per dense item, where the format has categories (completejourney: product_category; event
  // formats with categories, e.g. taobao): its
  // dense category id in `categories`, kNoCategory when unknown. Empty when the format has none.
  static constexpr uint32_t kNoCategory = UINT32_MAX;
  std::vector<uint32_t> item_category;
  IdMap categories;
  ReadReport report;

  size_t size() const { return customer.size(); }
  void add(std::string_view customer_id, int32_t d, double qty, double money,
           std::string_view item_id = {});
  // Sets an item's attributes the first time it is seen with them (later rows do not change them).
  void set_item_attributes(std::string_view item_id, std::string_view text, double price);
  // Sets an item's category the first time it is given (later calls do not change it).
  void set_item_category(std::string_view item_id, std::string_view category);
  bool has_categories() const { return categories.size() > 0; }
  // The category of dense item `i` (kNoCategory when unknown).
  uint32_t category_of(uint32_t i) const {
    return i < item_category.size() ? item_category[i] : kNoCategory;
  }
};

// The same purchase lines with every item replaced by its category (categories become the
// "items"; lines of items without one go to the category "(no category)", kept: a sale is a
// sale). The per-category series of the demand task. Throws kUsage when `t` has no categories.
Transactions by_category(const Transactions& t);

// Formats accepted for transactions: the three above, then every event format.
std::vector<std::string> transaction_format_names();

// The customer id that purchases without one get when they are kept (demand: a sale is a sale).
inline constexpr std::string_view kAnonymousCustomer = "(anonymous)";

// Reads `files` in `options.format`. Malformed rows are skipped and counted in the report (fatal
// with options.strict); throws kairos::Error on an unknown format or unreadable file. Purchases
// without a customer are skipped and counted, or kept as kAnonymousCustomer's with `anonymous`.
Transactions read_transactions(const ReadOptions& options, const std::vector<std::string>& files,
                               bool anonymous = false);

}  // namespace kairos
