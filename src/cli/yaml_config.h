// YAML config files for CLI11: `kairos --config run.yaml prepare ...`. Keys are flag names
// (without dashes); a mapping nests under a subcommand name. Flags on the command line win.
// Unknown keys are rejected by CLI11 (allow_config_extras is off), so a typo is an error.
#pragma once

#include <CLI/CLI.hpp>

namespace kairos::cli {

class YamlConfig : public CLI::Config {
 public:
  std::string to_config(const CLI::App* app, bool default_also, bool write_description,
                        std::string prefix) const override;
  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override;
};

}  // namespace kairos::cli
