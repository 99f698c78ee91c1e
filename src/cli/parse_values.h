// Parsing of flag values shared by several commands.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "data/dataset.h"
#include "data/transactions.h"

namespace kairos::cli {

SplitKind parse_split(const std::string& s);      // temporal | leave-one-out
char parse_separator(const std::string& s);       // one character, or "tab"
int64_t parse_utc_date_ms(const std::string& s);  // YYYY-MM-DD[THH:MM:SS[Z]]
// "a=b,c=d" -> {{a,b},{c,d}}; empty -> {}.
std::vector<std::pair<std::string, std::string>> parse_pairs(const std::string& s,
                                                             const std::string& flag);
std::vector<std::string> split_list(const std::string& s, char sep = ',');
std::string join_format_names();

// Reads the transaction files of a comma-separated `files` flag in `format` (empty: a usage error
// naming the formats) and logs what was skipped (data/transactions.h).
Transactions read_transaction_flags(const std::string& files, const std::string& format,
                                    bool anonymous);
// The demand task's series level: "item" gives `t` back, "category" its lines by item category
// (data/transactions.h: by_category).
Transactions demand_level(Transactions t, const std::string& level);

}  // namespace kairos::cli
