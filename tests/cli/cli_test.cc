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
  // The effective configuration goes to the debug log, not the terminal (--verbose shows it,
  // option groups inline with their command, no empty key).
  EXPECT_EQ(r.output.find("effective config"), std::string::npos);
  r = kairos("--verbose prepare --format taobao --input " + shop + " --output " +
             dir.file("prep2"));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("effective config"), std::string::npos);
  EXPECT_NE(r.output.find("  csv-item: item_id"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("  :\n"), std::string::npos) << r.output;
  std::ifstream stats(dir.file("prep/stats.json"));
  const auto j = nlohmann::json::parse(stats);
  EXPECT_EQ(j["input"]["rows_read"], 20000);
  const Dataset d = Dataset::load(dir.file("prep"));
  EXPECT_GT(d.test().size(), 0u);
  r = kairos("stats --data " + dir.file("prep"));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find(d.fingerprint()), std::string::npos);
}

TEST(Cli, AnInputWithNoEventsShowsWhy) {
  test::TempDir dir;
  std::ofstream(dir.file("notes.txt")) << "hello\nworld\n";
  const CliRun r = kairos("prepare --format taobao --input " + dir.file("notes.txt") +
                          " --output " + dir.file("prep"));
  EXPECT_EQ(r.code, 3) << r.output;
  EXPECT_NE(r.output.find("no events were read"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("notes.txt:1"), std::string::npos) << r.output;  // the first reason
}

TEST(Cli, FlagsOverrideTheYamlConfig) {
  test::TempDir dir;
  std::ofstream(dir.file("c.yaml")) << "synth:\n  events: 5000\n  seed: 9\n";
  const CliRun r = kairos("--verbose --config " + dir.file("c.yaml") +
                          " synth --events 3000 --output " + dir.file("s.csv"));
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

namespace kairos {
namespace {

// train -> artifact -> predict (unknown items reported, not fatal) -> evaluate the artifact.
TEST(Cli, TrainPredictEvaluateAnArtifact) {
  test::TempDir dir;
  const std::string shop = dir.file("shop.csv"), prep = dir.file("prep"), model = dir.file("m");
  ASSERT_EQ(kairos("synth --events 30000 --seed 5 --output " + shop).code, 0);
  ASSERT_EQ(kairos("prepare --format taobao --input " + shop + " --output " + prep).code, 0);
  CliRun r = kairos("train --model gru4rec --data " + prep + " --out " + model +
                    " --epochs 1 --hparams '{\"layers\":[16],\"n_sample\":32,\"batch_size\":16}'" +
                    " --json " + dir.file("train.json"));
  if (r.code != 0 && r.output.find("unknown model 'gru4rec'") != std::string::npos)
    GTEST_SKIP() << "this build has no deep models (KAIROS_WITH_TORCH=OFF)";
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("HR@20"), std::string::npos);
  std::ifstream meta(model + "/meta.json");
  const auto j = nlohmann::json::parse(meta);
  EXPECT_EQ(j["model"], "gru4rec");
  EXPECT_EQ(j["hparams"]["layers"][0], 16);
  EXPECT_EQ(j["training"]["epochs"].size(), 1u);
  EXPECT_TRUE(j["metrics"]["metrics"].contains("MRR@20"));
  std::ifstream items(model + "/items.tsv");
  std::string header, first;
  std::getline(items, header);
  std::getline(items, first);
  const std::string id = first.substr(0, first.find('\t'));

  r = kairos("predict --model " + model + " --items " + id + ",no-such-item --k 5 --json");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("unknown item 'no-such-item' skipped"), std::string::npos);
  const auto p = nlohmann::json::parse(r.output.substr(r.output.find('{')));
  EXPECT_EQ(p["items"].size(), 5u);
  EXPECT_EQ(p["unknown_items"][0], "no-such-item");

  r = kairos("evaluate --data " + prep + " --models markov," + model + " --bootstrap 0");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find(model), std::string::npos);

  // A baseline has no artifact; a corrupt artifact is refused with exit code 3.
  EXPECT_EQ(kairos("train --model markov --data " + prep + " --out " + dir.file("x")).code, 2);
  std::ofstream(model + "/meta.json") << "{broken";
  r = kairos("predict --model " + model + " --items " + id);
  EXPECT_EQ(r.code, 3) << r.output;
  EXPECT_NE(r.output.find("meta.json is corrupt"), std::string::npos);
}

}  // namespace
}  // namespace kairos

namespace kairos {
namespace {

TEST(Cli, ServeRefusesAMissingModelAndNeverLogsTheApiKey) {
  const CliRun r = kairos("--verbose serve --model /nonexistent/model --api-key hunter2 --port 0");
  EXPECT_EQ(r.code, 4) << r.output;
  EXPECT_NE(r.output.find("does not exist"), std::string::npos);
  EXPECT_NE(r.output.find("api-key: <redacted>"), std::string::npos);
  EXPECT_EQ(r.output.find("hunter2"), std::string::npos);
}

}  // namespace
}  // namespace kairos
