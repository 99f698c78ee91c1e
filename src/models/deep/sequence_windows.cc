#include "models/deep/sequence_windows.h"

#include <algorithm>

namespace kairos {

std::vector<uint32_t> training_sequences(const SessionSet& train, int max_len, uint64_t* targets) {
  std::vector<uint32_t> out;
  *targets = 0;
  for (size_t s = 0; s < train.size(); ++s) {
    if (train[s].size() < 2) continue;
    out.push_back(static_cast<uint32_t>(s));
    *targets += std::min<size_t>(train[s].size() - 1, static_cast<size_t>(max_len));
  }
  return out;
}

SequenceWindows sequence_windows(const SessionSet& train, std::span<const uint32_t> batch,
                                 int max_len) {
  SequenceWindows w;
  w.rows = static_cast<int64_t>(batch.size());
  for (uint32_t s : batch) {
    w.length.push_back(std::min<size_t>(train[s].size() - 1, static_cast<size_t>(max_len)));
    w.first.push_back(train[s].size() - 1 - w.length.back());
    w.cols = std::max(w.cols, static_cast<int64_t>(w.length.back()));
  }
  w.input.assign(static_cast<size_t>(w.rows * w.cols), 0);
  w.target.assign(w.input.size(), 0);
  for (int64_t r = 0; r < w.rows; ++r) {
    const SessionView s = train[batch[r]];
    for (size_t j = 0; j < w.length[r]; ++j) {
      const auto at = static_cast<size_t>(r * w.cols) + j;
      w.input[at] = s.items[w.first[r] + j];
      w.target[at] = s.items[w.first[r] + j + 1];
    }
  }
  return w;
}

}  // namespace kairos
