// CDNOW (fixed-width master file and BTYD's CSV event log), UCI Online Retail and The Complete
// Journey readers.
#include "data/readers/transaction_files.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <filesystem>
#include <unordered_map>

#include "core/error.h"
#include "data/fields.h"
#include "data/readers/input_file.h"

namespace kairos::readers {
namespace {

// yyyymmdd -> days since 1970-01-01.
bool parse_compact_date(std::string_view s, int32_t* day) {
  if (s.size() != 8) return false;
  const std::string iso = fmt::format("{}-{}-{}", s.substr(0, 4), s.substr(4, 2), s.substr(6, 2));
  int64_t ms = 0;
  if (!parse_date_ms(iso, &ms)) return false;
  *day = static_cast<int32_t>(ms / 86400000);
  return true;
}

// Unix ms -> days since 1970-01-01 (floor).
int32_t day_of(int64_t ms) {
  return static_cast<int32_t>(ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000));
}

// One purchase row `customer, date, units, money` (CDNOW's two spellings); false if skipped.
bool add_cdnow_row(InputFile& in, std::string_view id, std::string_view date,
                   std::string_view units, std::string_view money, Transactions* out) {
  int32_t day = 0;
  double qty = 0, amount = 0;
  if (id.empty()) {
    in.skip("empty customer id");
  } else if (!parse_compact_date(date, &day)) {
    in.skip("date is not yyyymmdd");
  } else if (!parse_double(units, &qty) || !std::isfinite(qty) || qty < 0) {
    in.skip("number of CDs is not a non-negative number");
  } else if (!parse_double(money, &amount) || !std::isfinite(amount)) {
    in.skip("dollar amount is not a number");
  } else if (in.ids_ok({{"customer", id}})) {
    out->add(id, day, qty, amount);
    in.accept();
    return true;
  }
  return false;
}

// Reads the header of a comma-separated file with quoting into `f`.
void read_csv_header(InputFile& in, const std::string& path, FieldSplitter& split,
                     std::vector<std::string_view>* f) {
  std::string_view line;
  KAIROS_CHECK(in.header(&line), "{}: empty file", path);
  KAIROS_CHECK(split.split(line, f), "{}: unterminated quote in the header", path);
}

}  // namespace

void read_cdnow(const ReadOptions& o, const std::string& path, Transactions* out) {
  InputFile in(o, path, &out->report, "cdnow");
  std::vector<std::string_view> f;
  std::string_view line;
  while (in.next_row(&line)) {
    split_whitespace(line, &f);
    if (f.size() != 4) {
      in.skip(fmt::format("expected 4 columns (customer date cds dollars), found {}", f.size()));
      continue;
    }
    add_cdnow_row(in, f[0], f[1], f[2], f[3], out);
  }
}

void read_cdnow_elog(const ReadOptions& o, const std::string& path, Transactions* out) {
  InputFile in(o, path, &out->report, "cdnow event log");
  std::vector<std::string_view> f;
  FieldSplitter split(',');
  read_csv_header(in, path, split, &f);
  std::string_view line;
  const size_t id = require_column(f, {"masterid", "cust"}, path);
  const size_t date = require_column(f, {"date"}, path);
  const size_t cds = require_column(f, {"cds"}, path);
  const size_t sales = require_column(f, {"sales"}, path);
  const size_t width = f.size();
  while (in.next_row(&line)) {
    if (!split.split(line, &f)) {
      in.skip("unterminated quote");
    } else if (f.size() != width) {
      in.skip(fmt::format("expected {} columns, found {}", width, f.size()));
    } else {
      add_cdnow_row(in, f[id], f[date], f[cds], f[sales], out);
    }
  }
}

void read_online_retail(const ReadOptions& o, const std::string& path, Transactions* out,
                        bool anonymous) {
  InputFile in(o, path, &out->report, "online retail");
  std::vector<std::string_view> f;
  FieldSplitter split(',');
  read_csv_header(in, path, split, &f);
  std::string_view line;
  const size_t invoice = require_column(f, {"InvoiceNo", "Invoice"}, path);
  const size_t item = require_column(f, {"StockCode"}, path);
  const size_t description = require_column(f, {"Description"}, path);
  const size_t quantity = require_column(f, {"Quantity"}, path);
  const size_t date = require_column(f, {"InvoiceDate"}, path);
  const size_t price = require_column(f, {"UnitPrice", "Price"}, path);
  const size_t customer = require_column(f, {"CustomerID", "Customer ID"}, path);
  const size_t width = f.size();
  while (in.next_row(&line)) {
    if (!split.split(line, &f)) {
      in.skip("unterminated quote");
      continue;
    }
    if (f.size() != width) {
      in.skip(fmt::format("expected {} columns, found {}", width, f.size()));
      continue;
    }
    const std::string_view inv = trim(f[invoice]);
    std::string_view cust = trim(f[customer]);
    if (cust.ends_with(".0")) cust.remove_suffix(2);  // exports through a float column
    if (anonymous && (cust.empty() || cust == "NA")) cust = kAnonymousCustomer;
    int64_t ms = 0;
    double qty = 0, unit_price = 0;
    if (!inv.empty() && (inv[0] == 'C' || inv[0] == 'c')) {
      in.skip("cancellation (InvoiceNo C...)");
    } else if (!inv.empty() && (inv[0] == 'A' || inv[0] == 'a')) {
      in.skip("adjustment (InvoiceNo A...)");
    } else if (cust.empty() || cust == "NA") {
      in.skip("no CustomerID");
    } else if (trim(f[date]).size() < 10 || !parse_date_ms(trim(f[date]).substr(0, 10), &ms)) {
      in.skip("InvoiceDate does not start with YYYY-MM-DD");  // the day is all that is used
    } else if (!parse_double(trim(f[quantity]), &qty) || !std::isfinite(qty)) {
      in.skip("Quantity is not a number");
    } else if (qty <= 0) {
      in.skip("Quantity <= 0 outside a cancellation");
    } else if (!parse_double(trim(f[price]), &unit_price) || !std::isfinite(unit_price)) {
      in.skip("UnitPrice is not a number");
    } else if (in.ids_ok({{"customer", cust}, {"item", trim(f[item])}})) {
      out->add(cust, day_of(ms), qty, qty * unit_price, trim(f[item]));
      out->set_item_attributes(trim(f[item]), trim(f[description]), unit_price);
      in.accept();
    }
  }
}

namespace {

struct Product {
  std::string text, category;
  bool by_volume = false;  // gasoline: `quantity` is a volume, not units
};

// True when the file's header names the products table's columns.
bool is_products_table(const ReadOptions& o, const std::string& path) {
  ReadReport unused;
  InputFile in(o, path, &unused, "complete journey header", true);
  std::vector<std::string_view> f;
  FieldSplitter split(',');
  std::string_view line;
  if (!in.header(&line) || !split.split(line, &f)) return false;
  return find_column(f, {"product_id"}) != SIZE_MAX && find_column(f, {"department"}) != SIZE_MAX &&
         find_column(f, {"household_id"}) == SIZE_MAX;
}

// products.csv: product_id -> (its attributes as one text, its category). The text joins
// department, brand, product_category, product_type and package_size (those present); the
// category is product_category ("(no category)" when empty).
void read_products(const ReadOptions& o, const std::string& path, ReadReport* report,
                   std::unordered_map<std::string, Product>* out) {
  InputFile in(o, path, report, "complete journey products", true);
  std::vector<std::string_view> f;
  FieldSplitter split(',');
  read_csv_header(in, path, split, &f);
  const size_t id = require_column(f, {"product_id"}, path);
  const size_t category = require_column(f, {"product_category"}, path);
  const size_t type = find_column(f, {"product_type"});
  std::vector<size_t> text_columns;
  for (const auto name :
       {"department", "brand", "product_category", "product_type", "package_size"}) {
    const size_t c = find_column(f, {name});
    if (c != SIZE_MAX) text_columns.push_back(c);
  }
  const size_t width = f.size();
  std::string_view line;
  while (in.next_row(&line)) {
    if (!split.split(line, &f)) {
      in.skip("unterminated quote");
    } else if (f.size() != width) {
      in.skip(fmt::format("expected {} columns, found {}", width, f.size()));
    } else if (trim(f[id]).empty()) {
      in.skip("empty product_id");
    } else if (in.ids_ok({{"product", trim(f[id])}})) {
      Product p;
      for (size_t c : text_columns) {
        const std::string_view v = trim(f[c]);
        if (v.empty()) continue;
        if (!p.text.empty()) p.text += ' ';
        p.text += v;
      }
      p.category = trim(f[category]).empty() ? "(no category)" : std::string(trim(f[category]));
      p.by_volume = type != SIZE_MAX && trim(f[type]).starts_with("GASOLINE");
      if (out->emplace(std::string(trim(f[id])), std::move(p)).second) {
        ++report->side_rows_used;
      } else {
        in.skip("product_id given twice (the first row is kept)");
      }
    }
  }
}

}  // namespace

void read_complete_journey(const ReadOptions& o, const std::vector<std::string>& files,
                           Transactions* out) {
  std::vector<std::string> products_files, transaction_files;
  for (const auto& path : files)
    (is_products_table(o, path) ? products_files : transaction_files).push_back(path);
  KAIROS_CHECK_USAGE(!transaction_files.empty(),
                     "completejourney: no transactions file among {} (only products tables)",
                     fmt::join(files, ", "));
  if (products_files.empty()) {
    const auto beside = std::filesystem::path(transaction_files[0]).parent_path() / "products.csv";
    if (std::filesystem::exists(beside)) products_files.push_back(beside.string());
  }
  std::unordered_map<std::string, Product> products;
  for (const auto& path : products_files) read_products(o, path, &out->report, &products);
  uint64_t fill_ups = 0, unknown = 0;
  for (const auto& path : transaction_files) {
    InputFile in(o, path, &out->report, "complete journey transactions");
    std::vector<std::string_view> f;
    FieldSplitter split(',');
    read_csv_header(in, path, split, &f);
    const size_t customer = require_column(f, {"household_id"}, path);
    const size_t item = require_column(f, {"product_id"}, path);
    const size_t quantity = require_column(f, {"quantity"}, path);
    const size_t sales = require_column(f, {"sales_value"}, path);
    const size_t time = require_column(f, {"transaction_timestamp"}, path);
    const size_t width = f.size();
    std::string_view line;
    while (in.next_row(&line)) {
      int64_t ms = 0;
      double qty = 0, money = 0;
      if (!split.split(line, &f)) {
        in.skip("unterminated quote");
      } else if (f.size() != width) {
        in.skip(fmt::format("expected {} columns, found {}", width, f.size()));
      } else if (trim(f[customer]).empty()) {
        in.skip("empty household_id");
      } else if (trim(f[item]).empty()) {
        in.skip("empty product_id");
      } else if (trim(f[time]).size() < 10 || !parse_date_ms(trim(f[time]).substr(0, 10), &ms)) {
        in.skip("transaction_timestamp does not start with YYYY-MM-DD");
      } else if (!parse_double(trim(f[quantity]), &qty) || !std::isfinite(qty)) {
        in.skip("quantity is not a number");
      } else if (qty <= 0) {
        in.skip("quantity <= 0 (coupon or return line)");
      } else if (!parse_double(trim(f[sales]), &money) || !std::isfinite(money)) {
        in.skip("sales_value is not a number");
      } else if (in.ids_ok({{"customer", trim(f[customer])}, {"item", trim(f[item])}})) {
        const std::string_view id = trim(f[item]);
        const auto p = products.find(std::string(id));
        if (p != products.end() && p->second.by_volume) {
          qty = 1;  // one fill-up: the file gives the fuel's volume (thousands), not units
          ++fill_ups;
        }
        out->add(trim(f[customer]), day_of(ms), qty, money, id);
        if (p != products.end()) {
          out->set_item_attributes(id, p->second.text, money / qty);
          out->set_item_category(id, p->second.category);
        } else {
          out->set_item_attributes(id, {}, money / qty);
          ++unknown;
        }
        in.accept();
      }
    }
  }
  if (unknown > 0 && !products.empty()) {
    spdlog::warn(
        "completejourney: {} lines of products missing from the products table (kept, "
        "without category or attributes)",
        unknown);
  } else if (products.empty()) {
    spdlog::warn("completejourney: no products table (products.csv): items have no category");
  }
  if (fill_ups > 0) {
    spdlog::info(
        "completejourney: {} gasoline lines counted as 1 unit each (their quantity is a "
        "volume)",
        fill_ups);
  }
}

}  // namespace kairos::readers
