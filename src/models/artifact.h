// Model artifacts (docs/ARCHITECTURE.md): a directory holding
//   meta.json  format version, model name, hyperparameters, dataset fingerprint and catalogue size,
//              training report, metrics, git commit, creation time;
//   items.tsv  external item id, index, category, training count — the vocabulary the weights are
//              indexed by, and the popularity that serving falls back on;
//   model.pt   the weights (deep models).
// The directory is written under a temporary name and renamed into place, so a reader never
// sees a half-written artifact. Loading checks the format version, the files' presence and the
// weights' shapes, and refuses anything else with a message naming the file.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "data/vocab.h"
#include "models/artifact_text.h"
#include "models/interest/interest_model.h"
#include "models/session_model.h"

namespace kairos {

struct Artifact {
  std::unique_ptr<SessionModel> model;
  nlohmann::json meta;
  Vocab items;                               // external id <-> index ([0] = "")
  std::vector<std::string> item_categories;  // index -> external category id ("" = unknown)
  std::vector<uint64_t> item_counts;         // index -> occurrences in training (0 if unknown)
  uint32_t num_items() const { return items.size(); }
};

// Writes `model` (fitted on `data`) to `dir`; `metrics` (may be null) goes into meta.json, and
// so does `warm_start` (the lineage of a warm-started model; null: trained from scratch).
void save_artifact(const SessionModel& model, const Dataset& data, const std::string& dir,
                   const nlohmann::json& metrics = nullptr,
                   const nlohmann::json& warm_start = nullptr);

// Loads an artifact; throws kIo (missing files) or kInput (corrupt / mismatched content).
Artifact load_artifact(const std::string& dir);

// Interest artifacts (models/interest/interest_model.h) are the same directory with meta.json's
// format "kairos-interest"; meta.json adds the heads ("tasks"), the category names in id order
// (dataset.categories, [0] = "" for the unknown category) and the calibration fitted on
// validation ("calibration": per head, opaque here; serve/ and eval/ read it).
struct InterestArtifact {
  std::unique_ptr<InterestModel> model;
  nlohmann::json meta;
  Vocab items;
  std::vector<std::string> item_categories;  // index -> external category id ("" = unknown)
  std::vector<std::string> categories;       // category id -> external id ([0] = "")
  uint32_t num_items() const { return items.size(); }
};

void save_interest_artifact(const InterestModel& model, const Dataset& data, const std::string& dir,
                            const nlohmann::json& calibration,
                            const nlohmann::json& metrics = nullptr);
InterestArtifact load_interest_artifact(const std::string& dir);

// Throws kInput unless the artifact was trained on `data` (same fingerprint).
void check_artifact_matches(const Artifact& a, const Dataset& data, const std::string& dir);

}  // namespace kairos
