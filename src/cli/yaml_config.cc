#include "cli/yaml_config.h"

#include <yaml-cpp/yaml.h>

#include <sstream>

namespace kairos::cli {
namespace {

void flatten(const YAML::Node& node, std::vector<std::string> parents,
             std::vector<CLI::ConfigItem>* out) {
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>();
    const YAML::Node& value = kv.second;
    if (value.IsMap()) {
      auto nested = parents;
      nested.push_back(key);
      flatten(value, nested, out);
      continue;
    }
    CLI::ConfigItem item;
    item.parents = parents;
    item.name = key;
    if (value.IsSequence()) {
      for (const auto& v : value) item.inputs.push_back(v.as<std::string>());
    } else if (value.IsNull()) {
      item.inputs.push_back("");
    } else {
      item.inputs.push_back(value.as<std::string>());
    }
    out->push_back(std::move(item));
  }
}

}  // namespace

std::vector<CLI::ConfigItem> YamlConfig::from_config(std::istream& input) const {
  std::vector<CLI::ConfigItem> items;
  YAML::Node root;
  try {
    root = YAML::Load(input);
  } catch (const YAML::Exception& e) {
    throw CLI::ConversionError(std::string("config file is not valid YAML: ") + e.what());
  }
  if (root.IsNull()) return items;
  if (!root.IsMap())
    throw CLI::ConversionError("config file must be a YAML mapping of flag: value");
  flatten(root, {}, &items);
  return items;
}

std::string YamlConfig::to_config(const CLI::App* app, bool default_also, bool write_description,
                                  std::string prefix) const {
  std::ostringstream out;
  for (const CLI::Option* opt : app->get_options()) {
    if (opt->get_lnames().empty() || !opt->get_configurable()) continue;
    const std::string& name = opt->get_lnames().front();
    if (name == "help" || name == "config") continue;
    std::string value;
    if (opt->count() > 0) {
      const auto& res = opt->results();
      if (opt->get_type_size() == 0) {
        value = "true";
      } else if (res.size() == 1) {
        value = res.front();
      } else {
        value = "[";
        for (size_t i = 0; i < res.size(); ++i) value += (i ? ", " : "") + res[i];
        value += "]";
      }
    } else if (default_also) {
      value = opt->get_default_str();
      if (value.empty()) continue;
    } else {
      continue;
    }
    out << prefix << name << ": " << value << "\n";
  }
  for (const CLI::App* sub : app->get_subcommands({})) {
    if (sub->get_name().empty()) {  // an option group: its options belong to this level
      out << to_config(sub, default_also, write_description, prefix);
    } else if (sub->parsed()) {
      out << prefix << sub->get_name() << ":\n";
      out << to_config(sub, default_also, write_description, prefix + "  ");
    }
  }
  return out.str();
}

}  // namespace kairos::cli
