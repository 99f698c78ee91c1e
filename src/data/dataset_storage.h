// Internal: what a Dataset points at. Views point into either `owned` (built in memory) or
// `mapped` (a loaded dataset.kds). Only dataset.cc and dataset_io.cc include this.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "data/dataset.h"
#include "data/mapped_file.h"

namespace kairos {

struct Dataset::Storage {
  DatasetParts owned;
  std::unique_ptr<MappedFile> mapped;

  SplitKind split = SplitKind::kTemporal;
  std::span<const uint32_t> item_category, users, items;
  std::span<const uint64_t> offsets;
  std::span<const uint8_t> types;
  std::span<const int64_t> ts;
  Vocab item_vocab, category_vocab;
  uint64_t num_train = 0, num_valid = 0, num_test = 0;
  uint32_t num_users = 0;
  std::string stats_json;
  std::string fingerprint;

  // Checks sizes and index ranges of the views (throws kInput naming what is wrong).
  void validate() const;
};

// CRC-32 (zlib) of a byte range, continuing from `crc`.
uint32_t crc32_update(uint32_t crc, const void* data, size_t size);
// The CRC-32 of A followed by B, from crc(A), crc(B) and B's length (zlib's crc32_combine).
uint32_t crc32_concat(uint32_t crc_a, uint32_t crc_b, uint64_t size_b);

}  // namespace kairos
