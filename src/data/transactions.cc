#include "data/transactions.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "data/event_log.h"
#include "data/readers/transaction_files.h"

namespace kairos {
namespace {

constexpr const char* kOwnFormats[] = {"cdnow", "cdnow-elog", "online-retail", "completejourney"};

// Any event format: the buy events of known users become purchase lines (with their items'
// categories where the format or its side table gives them); everything else is counted, by
// reason, as not used.
void read_event_buys(const ReadOptions& o, const std::vector<std::string>& files, Transactions* out,
                     bool anonymous) {
  EventLog log;
  read_events(o, files, &log);
  out->report = log.report;
  out->report.events_added = 0;  // recounted as purchase lines by add()
  uint64_t not_buy = 0, no_user = 0;
  for (size_t i = 0; i < log.size(); ++i) {
    if (log.type[i] != EventType::kBuy) {
      ++not_buy;
    } else if (log.user[i] == kNone && !anonymous) {
      ++no_user;
    } else {
      const int64_t ms = log.ts_ms[i];
      const auto day =
          static_cast<int32_t>(ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000));
      const std::string item = log.items.name(log.item[i]);
      out->add(log.user[i] == kNone ? std::string(kAnonymousCustomer) : log.users.name(log.user[i]),
               day, 1.0, std::numeric_limits<double>::quiet_NaN(), item);
      const uint32_t c =
          log.item[i] < log.item_category.size() ? log.item_category[log.item[i]] : kNone;
      if (c != kNone) out->set_item_category(item, log.categories.name(c));
    }
  }
  // Accepted events that are not purchases of a known customer: counted, never silently lost.
  if (not_buy > 0)
    out->report.skipped["event is not a purchase (view, cart, fav)"].count += not_buy;
  if (no_user > 0) out->report.skipped["purchase without a user id"].count += no_user;
}

}  // namespace

void Transactions::add(std::string_view customer_id, int32_t d, double qty, double money,
                       std::string_view item_id) {
  customer.push_back(customers.intern(customer_id));
  day.push_back(d);
  quantity.push_back(qty);
  amount.push_back(money);
  item.push_back(item_id.empty() ? UINT32_MAX : items.intern(item_id));
  ++report.events_added;
}

void Transactions::set_item_attributes(std::string_view item_id, std::string_view text,
                                       double price) {
  const uint32_t i = items.intern(item_id);
  if (item_text.size() <= i) {
    item_text.resize(i + 1);
    item_price.resize(i + 1, std::numeric_limits<double>::quiet_NaN());
  }
  if (item_text[i].empty() && !text.empty()) item_text[i] = std::string(text);
  if (std::isnan(item_price[i]) && std::isfinite(price)) item_price[i] = price;
}

void Transactions::set_item_category(std::string_view item_id, std::string_view category) {
  const uint32_t i = items.intern(item_id);
  if (item_category.size() <= i) item_category.resize(i + 1, kNoCategory);
  if (item_category[i] == kNoCategory) item_category[i] = categories.intern(category);
}

Transactions by_category(const Transactions& t) {
  KAIROS_CHECK_USAGE(t.has_categories(),
                     "these transactions have no item categories (formats with categories: "
                     "completejourney, event formats with categories such as taobao)");
  Transactions out;
  out.customers = t.customers;
  out.report = t.report;
  out.customer = t.customer;
  out.day = t.day;
  out.quantity = t.quantity;
  out.amount = t.amount;
  out.item.reserve(t.size());
  for (uint32_t c = 0; c < t.categories.size(); ++c) out.items.intern(t.categories.name(c));
  for (size_t i = 0; i < t.size(); ++i) {
    const uint32_t c =
        t.item[i] == UINT32_MAX ? Transactions::kNoCategory : t.category_of(t.item[i]);
    out.item.push_back(c != Transactions::kNoCategory ? c : out.items.intern("(no category)"));
  }
  return out;
}

std::vector<std::string> transaction_format_names() {
  std::vector<std::string> names(std::begin(kOwnFormats), std::end(kOwnFormats));
  for (const auto& f : format_names()) names.push_back(f);
  return names;
}

Transactions read_transactions(const ReadOptions& options, const std::vector<std::string>& files,
                               bool anonymous) {
  Transactions out;
  out.report.strict = options.strict;
  const std::string& f = options.format;
  if (f == "completejourney") {
    readers::read_complete_journey(options, files, &out);
  } else if (f == "cdnow" || f == "cdnow-elog" || f == "online-retail") {
    for (const auto& path : files) {
      if (f == "cdnow") readers::read_cdnow(options, path, &out);
      if (f == "cdnow-elog") readers::read_cdnow_elog(options, path, &out);
      if (f == "online-retail") readers::read_online_retail(options, path, &out, anonymous);
    }
  } else {
    KAIROS_CHECK_USAGE(
        std::find(format_names().begin(), format_names().end(), f) != format_names().end(),
        "unknown transactions format '{}' (formats: {})", f,
        fmt::join(transaction_format_names(), ", "));
    read_event_buys(options, files, &out, anonymous);
  }
  KAIROS_CHECK(out.size() > 0, "no purchases read from {} ({} rows read; {})",
               fmt::join(files, ", "), out.report.rows_read,
               out.report.skipped.empty()
                   ? std::string("no rows skipped")
                   : fmt::format("{}", fmt::join(out.report.describe(), "; ")));
  return out;
}

}  // namespace kairos
