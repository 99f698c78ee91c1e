// Helpers shared by the data tests: temporary directories and tiny event logs.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "data/event_log.h"
#include "data/reader.h"

namespace kairos::test {

// A fresh empty directory under the system temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Builds a small Dataset session by session: items "i1".."iN" (index 0 padding), the given
// categories (`category_names[0]` = "" the unknown one; `item_category` per item index, empty =
// all unknown), events `event_gap_ms` apart, sessions an hour apart, all of user 0.
class SessionsBuilder {
 public:
  explicit SessionsBuilder(uint32_t items, std::vector<std::string> category_names = {""},
                           std::vector<uint32_t> item_category = {}, int64_t event_gap_ms = 1000)
      : gap_(event_gap_ms) {
    p_.item_names.push_back("");
    for (uint32_t i = 1; i <= items; ++i) p_.item_names.push_back("i" + std::to_string(i));
    p_.category_names = std::move(category_names);
    p_.item_category = std::move(item_category);
    p_.item_category.resize(items + 1, 0);
  }
  void add(uint32_t item, uint8_t type = 0) {
    p_.items.push_back(item);
    p_.types.push_back(type);
    p_.ts.push_back(t_ += gap_);
  }
  void end_session() {
    t_ += 3'600'000;
    p_.offsets.push_back(p_.items.size());
    p_.users.push_back(0);
  }
  // The sessions so far, the first `train` for training, then `valid`, then `test`.
  Dataset build(size_t train, size_t valid, size_t test) {
    p_.num_train = train;
    p_.num_valid = valid;
    p_.num_test = test;
    return Dataset::from_parts(std::move(p_));
  }

 private:
  DatasetParts p_;
  int64_t t_ = 0, gap_;
};

// Adds a view event for user `u` (session empty) at `t_s` seconds.
inline void add_view(EventLog* log, const std::string& u, const std::string& item, int64_t t_s) {
  log->add(u, "", item, "", EventType::kView, t_s * 1000);
}

// Writes `text` to `path` as is (binary).
inline void write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// Reads `files` with the reader for `format`.
inline EventLog read(const std::string& format, const std::vector<std::string>& files,
                     ReadOptions o = {}) {
  o.format = format;
  EventLog log;
  read_events(o, files, &log);
  return log;
}

// Rows skipped for `reason` (0 when none).
inline uint64_t skipped(const EventLog& log, const std::string& reason) {
  const auto it = log.report.skipped.find(reason);
  return it == log.report.skipped.end() ? 0 : it->second.count;
}

}  // namespace kairos::test
