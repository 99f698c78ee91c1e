// The text files of a model artifact (models/artifact.h), parsed without the model: meta.json's
// required fields and items.tsv's vocabulary. Torch-free, so the fuzzers and tools can use it.
// Both throw kairos::Error (kInput) naming `where` (the artifact directory) on malformed text.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kairos {

constexpr int kArtifactFormatVersion = 1;

// Parses meta.json and checks the format name (`format`: kairos-model for next-item artifacts,
// kairos-interest for interest artifacts), the format version, the model name (a string) and
// the catalogue size (dataset.num_items, a count >= 1).
nlohmann::json parse_artifact_meta(std::string_view text, const std::string& where,
                                   std::string_view format = "kairos-model");
// dataset.num_items of a meta.json that passed parse_artifact_meta().
uint32_t artifact_num_items(const nlohmann::json& meta);

// items.tsv: a header, then `item_id <TAB> index <TAB> category [<TAB> count]` for the indices
// 1..num_items-1 in order; ids must pass id_problem() (core/valid_id.h), categories may be empty.
// Index 0 of each vector is the padding entry ("", "", 0).
struct ItemTable {
  std::vector<std::string> names;
  std::vector<std::string> categories;
  std::vector<uint64_t> counts;
};
ItemTable parse_items_tsv(std::string_view text, uint32_t num_items, const std::string& where);

}  // namespace kairos
