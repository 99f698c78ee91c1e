// Logging goes through spdlog; this sets the format and level once for the process.
#pragma once

#include <spdlog/spdlog.h>

#include <string>

namespace kairos {

// level: trace|debug|info|warn|error|off.
void init_logging(const std::string& level);

}  // namespace kairos
