// Artifacts: a saved model loads back with identical scores; corrupt, incomplete or mismatched
// artifacts are refused with a message that names the problem.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "data/test_util.h"
#include "deep_fixtures.h"
#include "models/artifact.h"

namespace kairos {
namespace {

using testing::scores_of;

void expect_error(const std::string& dir, ErrorKind kind, const std::string& fragment) {
  try {
    load_artifact(dir);
    ADD_FAILURE() << "loaded " << dir;
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

class ArtifactRoundTrip : public ::testing::TestWithParam<std::pair<std::string, nlohmann::json>> {
};

TEST_P(ArtifactRoundTrip, LoadedModelScoresIdentically) {
  const Dataset d = testing::planted_dataset(200, 10, 10);
  auto m = make_model(GetParam().first, GetParam().second);
  m->fit(d, d.train_full());
  test::TempDir tmp;
  const std::string dir = tmp.file("model");
  save_artifact(*m, d, dir, {{"HR@20", 0.5}});
  const Artifact a = load_artifact(dir);
  EXPECT_EQ(a.meta["model"], m->name());
  EXPECT_EQ(a.meta["metrics"]["HR@20"], 0.5);
  EXPECT_EQ(a.meta["dataset"]["fingerprint"], d.fingerprint());
  EXPECT_EQ(a.num_items(), d.num_items());
  EXPECT_EQ(a.items.name(5), "i5");
  EXPECT_EQ(a.item_categories[25], "c2");
  for (const std::vector<uint32_t>& s : {std::vector<uint32_t>{3}, {3, 15}, {7, 12, 39, 4}}) {
    EXPECT_EQ(scores_of(*a.model, d.num_items(), s), scores_of(*m, d.num_items(), s));
  }
  check_artifact_matches(a, d, dir);
  // The saved configuration is what the model is, not how it was run: no threads, no log path.
  EXPECT_FALSE(a.meta["hparams"].contains("threads"));
  EXPECT_FALSE(a.meta["hparams"].contains("log"));
  EXPECT_EQ(make_model(GetParam().first, a.meta["hparams"])->hparams(), a.meta["hparams"]);
  // Artifacts written before the split saved run options in hparams: they still load.
  {
    std::ifstream in(dir + "/meta.json");
    auto meta = nlohmann::json::parse(in);
    meta["hparams"]["threads"] = 2;
    meta["hparams"]["log"] = "old.jsonl";
    std::ofstream(dir + "/meta.json") << meta.dump();
    EXPECT_EQ(scores_of(*load_artifact(dir).model, d.num_items(), {3, 15}),
              scores_of(*m, d.num_items(), {3, 15}));
  }
  // Saving again over the same directory replaces it atomically.
  save_artifact(*m, d, dir);
  EXPECT_TRUE(load_artifact(dir).meta["metrics"].is_null());
}

INSTANTIATE_TEST_SUITE_P(
    Models, ArtifactRoundTrip,
    ::testing::Values(
        std::make_pair(std::string("gru4rec"), testing::tiny_gru4rec({{"n_epochs", 1}})),
        std::make_pair(std::string("gru4rec"),
                       testing::tiny_gru4rec({{"n_epochs", 1},
                                              {"cell", "lstm"},
                                              {"constrained_embedding", false},
                                              {"embedding", 8}})),
        std::make_pair(std::string("sasrec"), testing::tiny_sasrec({{"n_epochs", 1}})),
        std::make_pair(std::string("narm"), testing::tiny_narm({{"n_epochs", 1}})),
        std::make_pair(std::string("srgnn"), testing::tiny_sgnn_hn({{"n_epochs", 1}})),
        std::make_pair(std::string("srgnn"),
                       testing::tiny_sgnn_hn({{"n_epochs", 1}, {"repeat", true}})),
        std::make_pair(std::string("srgnn"),
                       testing::tiny_sgnn_hn({{"n_epochs", 1}, {"global_neighbors", 4}})),
        std::make_pair(std::string("nextitnet"), testing::tiny_nextitnet({{"n_epochs", 1}})),
        std::make_pair(std::string("bsarec"), testing::tiny_sasrec({{"n_epochs", 1}})),
        std::make_pair(std::string("multvae"), testing::tiny_multvae({{"n_epochs", 1}})),
        std::make_pair(std::string("svae"), testing::tiny_svae({{"n_epochs", 1}}))));

class BrokenArtifact : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = std::make_unique<Dataset>(testing::planted_dataset(100, 10, 10));
    auto m = make_model("gru4rec", testing::tiny_gru4rec({{"n_epochs", 1}}));
    m->fit(*data_, data_->train_full());
    dir_ = tmp_.file("model");
    save_artifact(*m, *data_, dir_);
  }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ + "/" + name, std::ios::binary | std::ios::trunc) << text;
  }
  std::string read(const std::string& name) {
    std::ifstream in(dir_ + "/" + name, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  test::TempDir tmp_;
  std::string dir_;
  std::unique_ptr<Dataset> data_;
};

TEST_F(BrokenArtifact, MissingFilesAreNamed) {
  std::filesystem::remove(dir_ + "/model.pt");
  expect_error(dir_, ErrorKind::kIo, "model.pt is missing");
  expect_error(tmp_.file("nowhere"), ErrorKind::kIo, "does not exist");
}

TEST_F(BrokenArtifact, TruncatedWeightsAreRefused) {
  const std::string w = read("model.pt");
  write("model.pt", w.substr(0, w.size() / 2));
  expect_error(dir_, ErrorKind::kInput, "model.pt");
}

TEST_F(BrokenArtifact, CorruptMetaIsRefused) {
  write("meta.json", "{not json");
  expect_error(dir_, ErrorKind::kInput, "meta.json is corrupt");
}

TEST_F(BrokenArtifact, FutureFormatVersionIsRefused) {
  auto meta = nlohmann::json::parse(read("meta.json"));
  meta["format_version"] = 99;
  write("meta.json", meta.dump());
  expect_error(dir_, ErrorKind::kInput, "format version 99");
}

TEST_F(BrokenArtifact, WeightsOfAnotherShapeAreRefused) {
  auto meta = nlohmann::json::parse(read("meta.json"));
  meta["hparams"]["layers"] = {64};  // the file holds 32-unit weights
  write("meta.json", meta.dump());
  expect_error(dir_, ErrorKind::kInput, "has shape");
}

TEST_F(BrokenArtifact, ItemListMismatchIsRefused) {
  const std::string items = read("items.tsv");
  write("items.tsv", items.substr(0, items.rfind('\n', items.size() - 2) + 1));  // drop a row
  expect_error(dir_, ErrorKind::kInput, "items.tsv lists");
}

TEST_F(BrokenArtifact, AnotherDatasetIsRefused) {
  const Artifact a = load_artifact(dir_);
  const Dataset other = testing::planted_dataset(100, 10, 10, /*seed=*/99);
  try {
    check_artifact_matches(a, other, dir_);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("another dataset"), std::string::npos);
  }
}

}  // namespace
}  // namespace kairos
