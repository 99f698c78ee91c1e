#include "core/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace kairos {

void init_logging(const std::string& level) {
  auto logger = spdlog::stderr_color_mt("kairos");
  logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");
  logger->set_level(spdlog::level::from_str(level));
  spdlog::set_default_logger(logger);
}

}  // namespace kairos
