// The kairos binary end to end: commands, outputs and the documented exit codes
// (0 ok, 1 internal, 2 usage, 3 bad input, 4 I/O).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "data/dataset.h"
#include "data/test_util.h"

namespace kairos {
namespace {

struct CliRun {
  int code;
  std::string output;  // stdout and stderr
};

CliRun kairos(const std::string& args) {
  const std::string cmd = std::string(KAIROS_BINARY) + " --quiet " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  CliRun r{-1, ""};
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

TEST(Cli, SynthPrepareStatsRoundTrip) {
  test::TempDir dir;
  const std::string shop = dir.file("shop.csv");
  CliRun r = kairos("synth --events 20000 --seed 3 --output " + shop);
  ASSERT_EQ(r.code, 0) << r.output;
  r = kairos("prepare --format taobao --input " + shop + " --output " + dir.file("prep"));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("rows read"), std::string::npos);
  EXPECT_NE(r.output.find("effective config"), std::string::npos);
  std::ifstream stats(dir.file("prep/stats.json"));
  const auto j = nlohmann::json::parse(stats);
  EXPECT_EQ(j["input"]["rows_read"], 20000);
  const Dataset d = Dataset::load(dir.file("prep"));
  EXPECT_GT(d.test().size(), 0u);
  r = kairos("stats --data " + dir.file("prep"));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find(d.fingerprint()), std::string::npos);
}

TEST(Cli, FlagsOverrideTheYamlConfig) {
  test::TempDir dir;
  std::ofstream(dir.file("c.yaml")) << "synth:\n  events: 5000\n  seed: 9\n";
  const CliRun r = kairos("--config " + dir.file("c.yaml") + " synth --events 3000 --output " +
                          dir.file("s.csv"));
  ASSERT_EQ(r.code, 0) << r.output;
  std::ifstream in(dir.file("s.csv"));
  size_t lines = 0;
  for (std::string l; std::getline(in, l);) ++lines;
  EXPECT_EQ(lines, 3000u);
  EXPECT_NE(r.output.find("seed: 9"), std::string::npos) << r.output;
}

TEST(Cli, ExitCodesForUsageInputAndIoErrors) {
  test::TempDir dir;
  EXPECT_EQ(kairos("prepare --format nope --input x --output y").code, 2);
  EXPECT_EQ(kairos("no-such-command").code, 2);
  EXPECT_EQ(kairos("prepare --format taobao --input " + dir.file("missing.csv") + " --output " +
                   dir.file("o"))
                .code,
            4);
  std::ofstream(dir.file("bad.csv")) << "1,2,3,pv,100\n1,2,3,pv\n";
  const CliRun strict = kairos("prepare --strict --format taobao --input " + dir.file("bad.csv") +
                               " --output " + dir.file("o"));
  EXPECT_EQ(strict.code, 3);
  EXPECT_NE(strict.output.find("bad.csv:2"), std::string::npos) << strict.output;
  EXPECT_EQ(kairos("stats --data " + dir.file("bad.csv")).code, 3);
}

TEST(Cli, HelpEverywhere) {
  for (const char* cmd : {"", "synth ", "prepare ", "stats ", "bench "}) {
    const CliRun r = kairos(std::string(cmd) + "--help");
    EXPECT_EQ(r.code, 0) << cmd;
    EXPECT_NE(r.output.find("Usage"), std::string::npos) << cmd;
  }
}

}  // namespace
}  // namespace kairos
