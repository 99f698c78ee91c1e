// Backslash escapes for one field of a tab-separated file (the artifact's items.tsv), so that ids
// holding a tab, a line break or a backslash cannot split or merge rows: `\` -> `\\`, tab -> `\t`,
// LF -> `\n`, CR -> `\r`. Fields without those four characters are written unchanged, so files
// from before escaping existed read back identically unless a field holds one of the four escape
// sequences.
#pragma once

#include <string>
#include <string_view>

namespace kairos {

std::string tsv_escape(std::string_view field);
// The inverse of tsv_escape. A backslash before any other character, or at the end, is kept as
// it is (lenient: such fields can only come from files written before escaping).
std::string tsv_unescape(std::string_view field);

}  // namespace kairos
