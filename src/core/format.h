// Human-readable numbers and durations for tables, logs and progress bars.
#pragma once

#include <cstdint>
#include <string>

namespace kairos {

std::string human_count(uint64_t n);         // 1234567 -> "1.23M"
std::string human_bytes(uint64_t bytes);     // 1536 -> "1.5 KiB"
std::string human_duration(double seconds);  // 75.2 -> "1m15s"
std::string with_commas(uint64_t n);         // 1234567 -> "1,234,567"

}  // namespace kairos
