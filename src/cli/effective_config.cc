#include <cstdio>

#include "cli/command.h"

namespace kairos::cli {

void print_effective_config(const CLI::App& app) {
  const CLI::App* root = &app;
  while (root->get_parent() != nullptr) root = root->get_parent();
  const std::string text = root->config_to_str(/*default_also=*/true, /*write_description=*/false);
  std::fprintf(stderr, "effective config:\n%s", text.c_str());
}

}  // namespace kairos::cli
