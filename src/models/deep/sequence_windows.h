// The training windows of the recurrent next-item models that predict every position of a
// sequence at once (NARM, SVAE): each training sequence's last max_len + 1 events, inputs x[:-1]
// and targets x[1:], right-padded with 0 to the longest window of the batch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "data/dataset.h"

namespace kairos {

struct SequenceWindows {
  int64_t rows = 0, cols = 0;
  std::vector<int64_t> input, target;  // [rows, cols] row-major, 0 = padding
  // Row r's first input is event `first[r]` of its sequence; the row holds `length[r]` inputs.
  std::vector<size_t> first, length;
};

// The sequences of `train` with at least two events, in order; `targets` receives how many
// targets their windows hold.
std::vector<uint32_t> training_sequences(const SessionSet& train, int max_len, uint64_t* targets);

// The windows of the sequences `batch` (indices into `train`).
SequenceWindows sequence_windows(const SessionSet& train, std::span<const uint32_t> batch,
                                 int max_len);

}  // namespace kairos
