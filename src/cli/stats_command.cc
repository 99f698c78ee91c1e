// kairos stats: what a prepared dataset holds (computed from the file) and the report that
// prepare stored inside it.
#include <nlohmann/json.hpp>

#include <cstdio>

#include "cli/command.h"
#include "core/event_type.h"
#include "core/format.h"
#include "data/dataset.h"

namespace kairos::cli {
namespace {

void print_set(const char* name, const SessionSet& set) {
  uint64_t events = 0;
  size_t max_len = 0;
  for (size_t i = 0; i < set.size(); ++i) {
    events += set[i].size();
    max_len = std::max(max_len, set[i].size());
  }
  std::printf("  %-10s %12s sessions %14s events  mean length %.2f  max %zu\n", name,
              with_commas(set.size()).c_str(), with_commas(events).c_str(),
              set.empty() ? 0.0 : static_cast<double>(events) / set.size(), max_len);
}

void run_stats(const std::string& data, bool json) {
  const Dataset d = Dataset::load(data);
  if (json) {
    std::printf("%s\n", nlohmann::json::parse(d.stats_json()).dump(2).c_str());
    return;
  }
  std::printf("dataset %s (fingerprint %s, split %s)\n", data.c_str(), d.fingerprint().c_str(),
              std::string(split_kind_name(d.split())).c_str());
  std::printf("  items %s, categories %s, users %s, events %s\n",
              with_commas(d.num_items() - 1).c_str(), with_commas(d.num_categories() - 1).c_str(),
              with_commas(d.num_users()).c_str(), with_commas(d.num_events()).c_str());
  print_set("train", d.train());
  print_set("valid", d.valid());
  print_set("test", d.test());
  const auto report = nlohmann::json::parse(d.stats_json());
  std::printf("prepare report (kairos stats --json for all of it):\n");
  for (const char* section : {"input", "filters", "dataset"}) {
    std::printf("  %s: %s\n", section, report[section].dump().c_str());
  }
}

}  // namespace

void add_stats_command(CLI::App& root) {
  auto data = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  CLI::App* sub = root.add_subcommand("stats", "Describe a prepared dataset");
  sub->add_option("--data", *data, "Prepared dataset directory (or dataset.kds)")->required();
  sub->add_flag("--json", *json, "Print prepare's full JSON report");
  sub->callback([data, json] { run_stats(*data, *json); });
}

}  // namespace kairos::cli
