// The file readers behind read_transactions() (data/transactions.h); one file each, appending to
// `out` and counting every row in out->report.
#pragma once

#include <string>
#include <vector>

#include "data/reader.h"
#include "data/transactions.h"

namespace kairos::readers {

void read_cdnow(const ReadOptions& o, const std::string& path, Transactions* out);
void read_cdnow_elog(const ReadOptions& o, const std::string& path, Transactions* out);
// `anonymous`: rows without a CustomerID are kept as kAnonymousCustomer's purchases.
void read_online_retail(const ReadOptions& o, const std::string& path, Transactions* out,
                        bool anonymous);

// The Complete Journey: the products tables among `files` (told by their header) are read
// first, as side tables; without one, products.csv beside the first transactions file is read
// if it exists. Transactions of products the tables do not name keep no category (counted in
// a warning).
void read_complete_journey(const ReadOptions& o, const std::vector<std::string>& files,
                           Transactions* out);

}  // namespace kairos::readers
