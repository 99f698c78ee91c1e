// AtomicDirectory / commit_directory: the swap replaces a directory in one step, and a writer
// killed with SIGKILL at any moment leaves the previous complete directory in place.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <string>
#include <thread>

#include "data/atomic_file.h"
#include "data/test_util.h"

namespace kairos {
namespace {

namespace fs = std::filesystem;

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_all(const fs::path& p, const std::string& s) {
  std::ofstream out(p, std::ios::binary);
  out << s;
}

size_t count_temporaries(const fs::path& parent) {
  size_t n = 0;
  for (const auto& e : fs::directory_iterator(parent)) {
    n += e.path().filename().string().find(".tmp-") != std::string::npos ? 1 : 0;
  }
  return n;
}

TEST(AtomicDirectory, CommitCreatesTheDirectory) {
  test::TempDir tmp;
  const std::string dir = tmp.file("model");
  AtomicDirectory out(dir);
  write_all(fs::path(out.path()) / "a.txt", "new");
  out.commit();
  EXPECT_EQ(read_all(fs::path(dir) / "a.txt"), "new");
  EXPECT_EQ(count_temporaries(tmp.path()), 0u);
}

TEST(AtomicDirectory, CommitSwapsWithAnExistingDirectory) {
  test::TempDir tmp;
  const std::string dir = tmp.file("model");
  fs::create_directory(dir);
  write_all(fs::path(dir) / "old.txt", "old");
  AtomicDirectory out(dir);
  write_all(fs::path(out.path()) / "new.txt", "new");
  EXPECT_TRUE(fs::exists(fs::path(dir) / "old.txt"));  // untouched until the commit
  out.commit();
  EXPECT_EQ(read_all(fs::path(dir) / "new.txt"), "new");
  EXPECT_FALSE(fs::exists(fs::path(dir) / "old.txt"));  // replaced, not merged
  EXPECT_EQ(count_temporaries(tmp.path()), 0u);         // the previous directory is removed
}

TEST(AtomicDirectory, UncommittedLeavesTheOldDirectory) {
  test::TempDir tmp;
  const std::string dir = tmp.file("model");
  fs::create_directory(dir);
  write_all(fs::path(dir) / "old.txt", "old");
  {
    AtomicDirectory out(dir);
    write_all(fs::path(out.path()) / "new.txt", "new");
  }
  EXPECT_EQ(read_all(fs::path(dir) / "old.txt"), "old");
  EXPECT_EQ(count_temporaries(tmp.path()), 0u);
}

TEST(AtomicDirectory, RemovesTemporariesOfDeadProcessesOnly) {
  test::TempDir tmp;
  const std::string dir = tmp.file("model");
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ASSERT_GT(child, 0);
  ::waitpid(child, nullptr, 0);  // its pid now names no process
  fs::create_directory(dir + ".tmp-" + std::to_string(child));
  fs::create_directory(dir + ".tmp-" + std::to_string(child) + ".old");
  const std::string live = dir + ".tmp-" + std::to_string(::getppid());  // a running process
  fs::create_directory(live);
  EXPECT_EQ(remove_stale_temporaries(dir), 2u);
  EXPECT_TRUE(fs::exists(live));
  fs::remove(live);
}

constexpr int kFiles = 3;
constexpr size_t kFileBytes = 1 << 20;

// File f of generation g: a header naming the generation, then a fill byte derived from both.
std::string generation_file(uint64_t g, int f) {
  std::string s = std::to_string(g) + "\n";
  s.resize(kFileBytes, static_cast<char>('a' + (g * kFiles + f) % 26));
  return s;
}

void write_generation(const std::string& dir, uint64_t g) {
  AtomicDirectory out(dir);
  for (int f = 0; f < kFiles; ++f) {
    write_all(fs::path(out.path()) / ("part" + std::to_string(f)), generation_file(g, f));
  }
  out.commit();
}

// The generation the directory holds, checking that it is complete and consistent; -1 if not.
int64_t check_directory(const std::string& dir, std::string* why) {
  if (!fs::is_directory(dir)) return *why = "missing", -1;
  int64_t g = -1;
  for (int f = 0; f < kFiles; ++f) {
    const std::string s = read_all(fs::path(dir) / ("part" + std::to_string(f)));
    if (s.size() != kFileBytes) return *why = "part" + std::to_string(f) + " incomplete", -1;
    const int64_t gf = std::stoll(s.substr(0, s.find('\n')));
    if (f > 0 && gf != g) return *why = "files from different generations", -1;
    g = gf;
    if (s != generation_file(g, f)) return *why = "part" + std::to_string(f) + " corrupt", -1;
  }
  if (std::distance(fs::directory_iterator(dir), fs::directory_iterator{}) != kFiles) {
    return *why = "extra files", -1;
  }
  return g;
}

TEST(AtomicDirectory, SigkillDuringSavesAlwaysLeavesACompleteDirectory) {
  test::TempDir tmp;
  const std::string dir = tmp.file("model");
  // Kill delays span a few saves, measured here: a sanitizer build or a loaded machine saves
  // slower, and fixed delays would then never let a save complete.
  const auto t0 = std::chrono::steady_clock::now();
  write_generation(dir, 0);
  const auto save_us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  const uint64_t max_delay_us = std::max<int64_t>(2'000, 4 * save_us);
  std::mt19937 rng(7);
  int64_t last = 0;
  int advanced = 0;
  for (int iteration = 1; iteration <= 50; ++iteration) {
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {  // saves generations iteration * 1e6 + 1, + 2, ... until killed
      try {
        for (uint64_t g = iteration * 1'000'000ull + 1;; ++g) write_generation(dir, g);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "writer failed: %s\n", e.what());
        ::_exit(3);
      }
    }
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % max_delay_us));
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the writer ended by itself (status " << status << ")";
    std::string why;
    const int64_t g = check_directory(dir, &why);
    ASSERT_GE(g, 0) << "after kill " << iteration << ": " << why;
    ASSERT_GE(g, last) << "an older generation came back";
    advanced += g != last ? 1 : 0;
    last = g;
  }
  EXPECT_GT(advanced, 0) << "no save completed: the delays are too short to test anything";
  write_generation(dir, 99);  // cleans the killed writers' temporaries
  EXPECT_EQ(count_temporaries(tmp.path()), 0u);
}

}  // namespace
}  // namespace kairos
