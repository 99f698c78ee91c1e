// Helpers shared by the data tests: temporary directories and tiny event logs.
#pragma once

#include <filesystem>
#include <string>

#include "data/event_log.h"

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

}  // namespace kairos::test
