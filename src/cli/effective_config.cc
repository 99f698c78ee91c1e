#include <spdlog/spdlog.h>

#include <regex>
#include <sstream>

#include "cli/command.h"

namespace kairos::cli {

void print_effective_config(const CLI::App& app) {
  const CLI::App* root = &app;
  while (root->get_parent() != nullptr) root = root->get_parent();
  const std::string text = root->config_to_str(/*default_also=*/true, /*write_description=*/false);
  // Secrets (API keys, tokens, passwords) never reach the logs.
  static const std::regex secret(
      R"(^(\s*[\w.-]*(key|secret|token|password)[\w.-]*\s*[:=]\s*)(.+)$)", std::regex::icase);
  std::istringstream in(text);
  std::string line, out;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_match(line, m, secret) && m[3].str() != "\"\"" && !m[3].str().empty()) {
      line = m[1].str() + "<redacted>";
    }
    out += line + '\n';
  }
  // To the log at debug level (`--verbose` or `--log-level debug`): the terminal is kept for
  // progress and results.
  spdlog::debug("effective config:\n{}", out);
}

}  // namespace kairos::cli
