// What a synthetic session must not copy from the sessions a generator learned from: every
// training session whole, and every contiguous run of `run` items inside one. A generated
// session that contains such a run repeats a real shopper's path step for step; the privacy
// check counts them (eval/synthetic_quality.h) and generators can refuse them
// (models/generative/markov_generator.h). Runs and sessions are kept as 64-bit hashes: a false
// match needs a collision (about n^2 / 2^64 for n stored runs).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <unordered_set>

#include "data/dataset.h"

namespace kairos {

class CopyIndex {
 public:
  // `run` >= 2: the length of a copied run.
  CopyIndex(const SessionSet& sessions, size_t run);

  size_t run() const { return run_; }
  // Whether `items` equals a stored session.
  bool is_copy(std::span<const uint32_t> items) const;
  // Whether some `run` consecutive items of `items` appear consecutively in a stored session
  // (false for sessions shorter than `run`).
  bool copies_run(std::span<const uint32_t> items) const;
  // Whether the `run` items ending at `items.back()` are a stored run (for generators that check
  // each new event).
  bool ends_with_run(std::span<const uint32_t> items) const;

 private:
  size_t run_;
  std::unordered_set<uint64_t> sessions_, runs_;
};

// A 64-bit hash of an item sequence (order-sensitive).
uint64_t hash_items(std::span<const uint32_t> items);

}  // namespace kairos
