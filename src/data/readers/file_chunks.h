// Splitting a plain file into ranges that start at line starts, for reading it on several threads
// (data/readers/chunked_read.h).
#pragma once

#include <string>
#include <vector>

#include "data/line_reader.h"

namespace kairos::readers {

// Up to `n` non-empty ranges covering the file, each starting just after a '\n' (or at 0), with
// the lines before each counted (on `n` threads), so that line numbers stay the whole file's.
std::vector<FileRange> split_at_lines(const std::string& path, int n);

}  // namespace kairos::readers
