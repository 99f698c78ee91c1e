// A generative model of sessions (item sequences): fitted on real sessions, it writes synthetic
// ones (pipeline/synthesize.h judges them: train-on-synthetic / test-on-real, distributions,
// copies). Generators: `markov` (markov_generator.h, refits in seconds) and `seqgan` (a recurrent
// generator trained by maximum likelihood, then adversarially against a recurrent discriminator:
// models/deep/seq_gan.cc), made by models/factory.h's make_generator / load_generator.
#pragma once

#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/rng.h"
#include "data/dataset.h"
#include "models/generative/copy_index.h"

namespace kairos {

struct GenerateStats {
  uint64_t sessions = 0, events = 0;
  uint64_t redrawn = 0;      // events drawn again because they completed a copied run
  uint64_t forced_ends = 0;  // sessions ended because every draw copied
  uint64_t cut = 0;          // sessions cut at the generator's longest length
};

class SessionGenerator {
 public:
  virtual ~SessionGenerator() = default;
  virtual std::string name() const = 0;
  virtual void fit(const SessionSet& sessions, uint32_t num_items) = 0;
  // `n` sessions of at least one event. With `guard` (the privacy knob), an event that would
  // complete a run of guard->run() consecutive items of a training session is drawn again, and
  // the session ends there if every draw copies.
  virtual std::vector<std::vector<uint32_t>> generate(size_t n, Rng& rng, const CopyIndex* guard,
                                                      GenerateStats* stats) const = 0;
  virtual nlohmann::json hparams() const { return nlohmann::json::object(); }
  virtual nlohmann::json training_report() const { return nullptr; }
  // The learned weights (generators that train); the Markov baseline refits instead (kUsage).
  virtual void save_weights(const std::string& path) const;
  virtual void load_weights(const std::string& path, uint32_t num_items);
};

}  // namespace kairos
