// Helpers shared by the data tests: temporary directories and tiny event logs.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

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
