// Synthetic sessions from a prepared dataset, judged as the data's users would judge them
// (docs/TASKS.md "Synthetic sessions"): a generator (models/generative/session_generator.h)
// fitted on everything before the test part (train + valid), or loaded from a directory an
// earlier run saved it to, writes as many sessions as that part holds; the result is a dataset
// directory whose train and valid parts are synthetic and whose test part is the real one, with the
// real catalogue — so `kairos train` / `kairos evaluate` on it give train-on-synthetic /
// test-on-real figures on exactly the real test cases — plus the distribution and privacy
// checks (eval/synthetic_quality.h) in a JSON report.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "eval/synthetic_quality.h"
#include "models/generative/session_generator.h"

namespace kairos {

struct SynthesizeRequest {
  std::string data;           // a prepared dataset (directory or dataset.kds); not leave-one-out
  std::string output;         // the dataset directory written
  std::string sessions_file;  // optional: the synthetic sessions as session-lines (external ids)
  std::string generator = "markov";                   // markov | seqgan
  nlohmann::json hparams = nlohmann::json::object();  // the generator's
  std::string from_model;  // a generator directory saved by an earlier run (instead of fitting)
  std::string save_model;  // where to save the fitted generator (meta.json, model.pt)
  uint64_t sessions = 0;   // 0: as many as train + valid hold
  uint64_t seed = 1;
  size_t max_copy_run = 0;  // > 0: refuse events completing a run of this many training items
  std::vector<size_t> check_runs = {3, 5, 8};
};

struct SynthesizeReport {
  std::string generator;
  nlohmann::json training;  // the generator's training report (null when loaded or untrained)
  GenerateStats generation;
  SyntheticQuality quality;
  double seconds = 0;
  nlohmann::json to_json() const;
};

SynthesizeReport synthesize(const SynthesizeRequest& r);

}  // namespace kairos
