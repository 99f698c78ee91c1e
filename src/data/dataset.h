// Dataset: a prepared, split, vocabulary-mapped set of sessions, as loaded from `dataset.kds`.
//
// Sessions are stored back to back in one event array (item, type, timestamp per event), in the
// order train | valid | test. `train_full()` = train + valid (what final models are fitted on).
// Leave-one-out datasets store each user's sequence once; the splits are views that drop the last
// two (train), last one (valid, target = last) or no (test, target = last) events.
//
// Item index 0 is padding/unknown; real items are 1..num_items()-1. Category index 0 is unknown.
// The storage is either owned vectors (fresh from prepare) or a read-only mmap of the file, shared
// by all views; a Dataset is immutable and cheap to copy.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "data/vocab.h"

namespace kairos {

enum class SplitKind : uint32_t { kTemporal = 0, kLeaveOneOut = 1, kPredefined = 2 };
std::string_view split_kind_name(SplitKind k);

struct SessionView {
  std::span<const uint32_t> items;  // item indices (>= 1)
  std::span<const uint8_t> types;   // EventType values
  std::span<const int64_t> ts_ms;   // unix milliseconds (or the synthetic clock)
  uint32_t user = 0;                // dense user index (0 if the data has no users)
  size_t size() const { return items.size(); }
};

// A contiguous range of sessions; each session may be shortened by `drop_last` events.
class SessionSet {
 public:
  SessionSet() = default;
  SessionSet(std::span<const uint64_t> offsets, std::span<const uint32_t> users,
             std::span<const uint32_t> items, std::span<const uint8_t> types,
             std::span<const int64_t> ts, size_t begin, size_t end, int drop_last);

  size_t size() const { return end_ - begin_; }
  bool empty() const { return size() == 0; }
  SessionView operator[](size_t i) const;
  uint64_t num_events() const;  // after drop_last
  int drop_last() const { return drop_last_; }
  // The suffix from the first session starting at or after `ms` (sessions are stored in start
  // order within a part): the newest sessions, e.g. what a warm start trains on.
  SessionSet from_time(int64_t ms) const;

 private:
  std::span<const uint64_t> offsets_;  // global session offsets, size = total sessions + 1
  std::span<const uint32_t> users_, items_;
  std::span<const uint8_t> types_;
  std::span<const int64_t> ts_;
  size_t begin_ = 0, end_ = 0;
  int drop_last_ = 0;
};

// Everything a Dataset is made of, as owned vectors (prepare builds one; tests too).
struct DatasetParts {
  SplitKind split = SplitKind::kTemporal;
  std::vector<std::string> item_names;      // index -> external id; [0] = "" (padding)
  std::vector<std::string> category_names;  // index -> external id; [0] = "" (unknown)
  std::vector<uint32_t> item_category;      // per item index: category index (0 = unknown)
  std::vector<uint64_t> offsets{0};         // session i = events [offsets[i], offsets[i+1])
  std::vector<uint32_t> users;              // per session
  std::vector<uint32_t> items;              // per event
  std::vector<uint8_t> types;               // per event
  std::vector<int64_t> ts;                  // per event
  uint64_t num_train = 0, num_valid = 0, num_test = 0;  // sessions (all three = n for LOO)
  uint32_t num_users = 0;
  std::string stats_json;  // the prepare report, kept inside the file
};

class Dataset {
 public:
  // Takes ownership of parts; checks their consistency (throws kInput).
  static Dataset from_parts(DatasetParts parts);
  // Maps `path` (a dataset.kds file, or a directory holding one) read-only and verifies magic,
  // version and checksum; throws kIo / kInput with the reason.
  static Dataset load(const std::string& path);
  // Writes atomically (temp file + rename); returns the fingerprint the file carries (what
  // fingerprint() of the loaded file gives).
  std::string save(const std::string& path) const;

  SplitKind split() const;
  SessionSet train() const;
  SessionSet valid() const;
  SessionSet train_full() const;  // train + valid
  SessionSet test() const;

  const Vocab& items() const;
  const Vocab& categories() const;
  std::span<const uint32_t> item_category() const;
  uint32_t num_items() const;  // vocabulary size including padding index 0
  uint32_t num_categories() const;
  uint32_t num_users() const;
  uint64_t num_events() const;  // stored events
  const std::string& stats_json() const;
  // Checksum of the stored content: identifies the dataset in model artifacts.
  std::string fingerprint() const;

  struct Storage;

 private:
  std::shared_ptr<const Storage> storage_;
};

}  // namespace kairos
