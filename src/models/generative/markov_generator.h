// A first-order Markov generator of sessions: the classical baseline for generative models of
// behaviour, and the yardstick a sequence GAN must beat on train-on-synthetic / test-on-real. The
// first item is drawn from the training sessions' first items, each next item from the training
// successors of the current one, and the session's end is one of those successors (so lengths
// follow the data item by item).
//
// Privacy knob: with a CopyIndex over the training sessions, an event that would complete a run
// of `run` consecutive items of a training session is drawn again (up to `max_tries` times), and
// the session ends there if every draw copies. Sessions shorter than the run can still equal a
// training session (a two-item session is one transition); the check reports them apart.
#pragma once

#include <cstdint>
#include <vector>

#include "core/rng.h"
#include "data/dataset.h"
#include "models/generative/session_generator.h"

namespace kairos {

class MarkovGenerator final : public SessionGenerator {
 public:
  // `max_length`: longest session generated; `max_tries`: draws per event under a CopyIndex.
  explicit MarkovGenerator(size_t max_length = 200, int max_tries = 20)
      : max_length_(max_length), max_tries_(max_tries) {}

  std::string name() const override { return "markov"; }
  void fit(const SessionSet& sessions, uint32_t num_items) override;
  std::vector<std::vector<uint32_t>> generate(size_t n, Rng& rng, const CopyIndex* guard,
                                              GenerateStats* stats) const override;
  // One session (at least one event); `guard` may be null (no privacy knob).
  std::vector<uint32_t> generate_one(Rng& rng, const CopyIndex* guard, GenerateStats* stats) const;

 private:
  // Draws from a row of (item, cumulative count) pairs; item 0 = the end of the session.
  static uint32_t draw(Rng& rng, const std::vector<std::pair<uint32_t, uint64_t>>& row);

  size_t max_length_;
  int max_tries_;
  std::vector<std::pair<uint32_t, uint64_t>> start_;              // first items, cumulative
  std::vector<std::vector<std::pair<uint32_t, uint64_t>>> next_;  // per item: successors
};

}  // namespace kairos
