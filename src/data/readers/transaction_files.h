// The file readers behind read_transactions() (data/transactions.h); one file each, appending to
// `out` and counting every row in out->report.
#pragma once

#include <string>

#include "data/reader.h"
#include "data/transactions.h"

namespace kairos::readers {

void read_cdnow(const ReadOptions& o, const std::string& path, Transactions* out);
void read_cdnow_elog(const ReadOptions& o, const std::string& path, Transactions* out);
// `anonymous`: rows without a CustomerID are kept as kAnonymousCustomer's purchases.
void read_online_retail(const ReadOptions& o, const std::string& path, Transactions* out,
                        bool anonymous);

}  // namespace kairos::readers
