// Data-parallel training (models/deep/data_parallel.h) with real processes: `kairos train
// --world-size 2` on loopback.
//  - SASRec: two processes, each half of every global batch, end with the same weights as one
//    process with the same global batch (to float tolerance) after an epoch of steps; BSARec,
//    SR-GNN, NARM, SVAE and Mult-VAE end with the same scores.
//  - GRU4Rec: two processes (sessions sharded, lanes split) train, rank 0 writes the artifact.
//  - A killed worker (SIGKILL) makes the surviving rank fail with a message naming the
//    collective, instead of hanging.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "data/test_process.h"
#include "data/test_util.h"
#include "deep/deep_fixtures.h"
#include "models/artifact.h"
#include "models/deep/tensor_io.h"

namespace kairos {
namespace {

using test::free_port;
using Proc = test::KairosProcess;

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class DataParallelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(tmp_.file("data"));
    testing::planted_dataset(400, 40, 40).save(tmp_.file("data/dataset.kds"));
  }
  std::vector<std::string> train_args(const std::string& model, const nlohmann::json& hparams,
                                      const std::string& out) {
    return {"--quiet",         "train", "--model",  model,       "--data",
            tmp_.file("data"), "--out", out,        "--hparams", hparams.dump(),
            "--threads",       "1",     "--no-eval"};
  }
  // Runs `args` as `world` ranks; returns their exit statuses.
  std::vector<int> run_ranks(std::vector<std::string> args, int world, const std::string& name) {
    const std::string master = "127.0.0.1:" + std::to_string(free_port());
    std::vector<std::unique_ptr<Proc>> procs;
    for (int r = 0; r < world; ++r) {
      auto a = args;
      a.insert(a.end(), {"--world-size", std::to_string(world), "--rank", std::to_string(r),
                         "--master", master, "--dist-timeout", "20"});
      procs.push_back(
          std::make_unique<Proc>(a, tmp_.file(name + "-rank" + std::to_string(r) + ".log")));
    }
    std::vector<int> status;
    for (auto& p : procs) status.push_back(p->wait());
    return status;
  }
  test::TempDir tmp_;
};

TEST_F(DataParallelTest, TwoSasRecProcessesMatchOneWithTheSameGlobalBatch) {
  const nlohmann::json h = testing::tiny_sasrec({{"n_epochs", 1}, {"batch_size", 64}});
  EXPECT_EQ(run_ranks(train_args("sasrec", h, tmp_.file("one")), 1, "one"), std::vector<int>({0}))
      << read_text(tmp_.file("one-rank0.log"));
  EXPECT_EQ(run_ranks(train_args("sasrec", h, tmp_.file("two")), 2, "two"),
            std::vector<int>({0, 0}))
      << read_text(tmp_.file("two-rank0.log")) << read_text(tmp_.file("two-rank1.log"));
  EXPECT_FALSE(std::filesystem::exists(tmp_.file("two.rank1")));  // only rank 0 writes
  const Artifact one = load_artifact(tmp_.file("one")), two = load_artifact(tmp_.file("two"));
  uint32_t d1 = 0, d2 = 0;
  const std::vector<float> a = one.model->item_vectors(d1), b = two.model->item_vectors(d2);
  ASSERT_EQ(a.size(), b.size());
  double max_diff = 0, max_abs = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    max_diff = std::max<double>(max_diff, std::abs(a[i] - b[i]));
    max_abs = std::max<double>(max_abs, std::abs(a[i]));
  }
  EXPECT_LT(max_diff, 1e-4) << "largest weight " << max_abs;
  // And not trivially: training moved the weights away from where it started.
  EXPECT_GT(max_abs, 0.05);
  // Identical scores for a session.
  std::vector<float> s1(one.num_items()), s2(two.num_items());
  const std::vector<uint32_t> items = {3, 14};
  one.model->score(SessionQuery{items, {}, {}, 0}, s1);
  two.model->score(SessionQuery{items, {}, {}, 0}, s2);
  for (size_t i = 1; i < s1.size(); ++i) EXPECT_NEAR(s1[i], s2[i], 1e-3) << i;
}

// Every other trainer the same way, compared by scores (not all have item vectors): the two
// ranks' parts of each batch, their gradients weighted by their share of its targets, the
// variational models' noise drawn for the whole batch.
class DataParallelModels
    : public DataParallelTest,
      public ::testing::WithParamInterface<std::pair<std::string, nlohmann::json>> {};

TEST_P(DataParallelModels, TwoProcessesMatchOneWithTheSameGlobalBatch) {
  const auto& [model, h] = GetParam();
  EXPECT_EQ(run_ranks(train_args(model, h, tmp_.file("one")), 1, "one"), std::vector<int>({0}))
      << read_text(tmp_.file("one-rank0.log"));
  EXPECT_EQ(run_ranks(train_args(model, h, tmp_.file("two")), 2, "two"), std::vector<int>({0, 0}))
      << read_text(tmp_.file("two-rank0.log")) << read_text(tmp_.file("two-rank1.log"));
  const Artifact one = load_artifact(tmp_.file("one")), two = load_artifact(tmp_.file("two"));
  std::vector<float> s1(one.num_items()), s2(two.num_items());
  float lo = 1e9f, hi = -1e9f;
  for (const std::vector<uint32_t>& items :
       {std::vector<uint32_t>{3, 14}, std::vector<uint32_t>{7}, std::vector<uint32_t>{22, 5, 9}}) {
    one.model->score(SessionQuery{items, {}, {}, 0}, s1);
    two.model->score(SessionQuery{items, {}, {}, 0}, s2);
    for (size_t i = 1; i < s1.size(); ++i) {
      EXPECT_NEAR(s1[i], s2[i], 1e-3) << model << " item " << i;
      lo = std::min(lo, s1[i]);
      hi = std::max(hi, s1[i]);
    }
  }
  EXPECT_GT(hi - lo, 0.1f) << model << ": the scores should not be flat";
}

INSTANTIATE_TEST_SUITE_P(
    Models, DataParallelModels,
    ::testing::Values(std::make_pair(std::string("bsarec"),
                                     testing::tiny_sasrec({{"n_epochs", 1}, {"batch_size", 64}})),
                      std::make_pair(std::string("srgnn"),
                                     testing::tiny_sgnn_hn({{"n_epochs", 1}, {"batch_size", 64}})),
                      std::make_pair(std::string("narm"),
                                     testing::tiny_narm({{"n_epochs", 1}, {"batch_size", 64}})),
                      std::make_pair(std::string("svae"),
                                     testing::tiny_svae({{"n_epochs", 1}, {"batch_size", 64}})),
                      std::make_pair(std::string("multvae"),
                                     testing::tiny_multvae({{"n_epochs", 1}, {"batch_size", 64}}))),
    [](const auto& info) { return info.param.first; });

TEST_F(DataParallelTest, TwoGru4RecProcessesTrainAndRankZeroWritesTheArtifact) {
  const nlohmann::json h = testing::tiny_gru4rec({{"n_epochs", 4}, {"n_sample", 8}});
  auto args = train_args("gru4rec", h, tmp_.file("gru"));
  args.pop_back();  // evaluate: rank 0 reports the test metrics
  args.insert(args.end(), {"--json", tmp_.file("gru.json")});
  EXPECT_EQ(run_ranks(args, 2, "gru"), std::vector<int>({0, 0}))
      << read_text(tmp_.file("gru-rank0.log")) << read_text(tmp_.file("gru-rank1.log"));
  const auto result = nlohmann::json::parse(read_text(tmp_.file("gru.json")));
  ASSERT_TRUE(result.contains("metrics") && result["metrics"].is_object())
      << result.dump() << "\n"
      << read_text(tmp_.file("gru-rank0.log"));
  EXPECT_GT(result["metrics"]["metrics"]["HR@20"].get<double>(), 0.5) << result.dump();
  EXPECT_NE(read_text(tmp_.file("gru-rank1.log")).find("rank 0 writes the artifact"),
            std::string::npos);
  // Rank 1's summary goes beside rank 0's, not over it (they once raced for the one file).
  const auto rank1 = nlohmann::json::parse(read_text(tmp_.file("gru.json.rank1")));
  EXPECT_TRUE(rank1["metrics"].is_null());
}

TEST_F(DataParallelTest, AKilledWorkerFailsTheOthersWithAMessage) {
  const nlohmann::json h = testing::tiny_sasrec({{"n_epochs", 500}, {"patience", 500}});
  const std::string master = "127.0.0.1:" + std::to_string(free_port());
  std::vector<std::unique_ptr<Proc>> procs;
  for (int r = 0; r < 2; ++r) {
    auto a = train_args("sasrec", h, tmp_.file("killed"));
    a.insert(a.end(), {"--world-size", "2", "--rank", std::to_string(r), "--master", master,
                       "--dist-timeout", "10"});
    procs.push_back(
        std::make_unique<Proc>(a, tmp_.file("killed-rank" + std::to_string(r) + ".log")));
  }
  // Wait until training is under way (an epoch logged), then kill rank 1.
  for (int i = 0; i < 600; ++i) {
    if (read_text(tmp_.file("killed-rank0.log")).find("epoch 2") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  procs[1]->stop(SIGKILL);
  const auto start = std::chrono::steady_clock::now();
  const int status = procs[0]->wait();
  const double waited =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::string log = read_text(tmp_.file("killed-rank0.log"));
  EXPECT_NE(status, 0) << log;
  EXPECT_LT(status, 128) << "rank 0 crashed instead of failing cleanly: " << log;
  EXPECT_LT(waited, 30.0);
  EXPECT_NE(log.find("data-parallel rank 0"), std::string::npos) << log;
  EXPECT_FALSE(std::filesystem::exists(tmp_.file("killed")));
}

}  // namespace
}  // namespace kairos
