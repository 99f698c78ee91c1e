// Warm start (docs/ONLINE.md): a loaded next-item model grown to a larger catalogue keeps every
// existing row exactly, starts a new item at the mean of its category's rows (the mean of all
// rows for an unknown or new category), resumes the optimiser state saved in model.pt, and, trained
// on new data through `train_and_save(--warm-start)`, learns sessions that lead to the new items
// while the artifact keeps the old items at their old indices.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/error.h"
#include "data/extend_vocabulary.h"
#include "data/test_util.h"
#include "deep/deep_fixtures.h"
#include "models/artifact.h"
#include "models/deep/tensor_io.h"
#include "models/factory.h"
#include "pipeline/train_and_save.h"

namespace kairos {
namespace {

// New data: the planted sessions plus sessions [x, 41 + x % 4] into four new items: 41, 42 in
// c2, 43 in a category the base never saw (c3), 44 without a category.
Dataset new_data(size_t train, size_t valid, size_t test) {
  std::vector<uint32_t> cats(45, 1);
  cats[0] = 0;
  for (uint32_t i = 21; i < 43; ++i) cats[i] = 2;
  cats[43] = 3;
  cats[44] = 0;
  test::SessionsBuilder b(44, {"", "c1", "c2", "c3"}, cats);
  Rng rng(11);
  for (size_t s = 0; s < train + valid + test; ++s) {
    const uint32_t x = 1 + static_cast<uint32_t>(rng.below(10));
    if (s % 2 == 0) {
      for (uint32_t item : testing::planted_session(rng)) b.add(item);
    } else {
      b.add(x);
      b.add(41 + x % 4);
    }
    b.end_session();
  }
  return b.build(train, valid, test);
}

struct Case {
  std::string model;
  nlohmann::json hparams;
  std::string optimiser_key;  // a tensor of Adam's state in model.pt
};

class WarmStart : public ::testing::TestWithParam<Case> {};

TEST_P(WarmStart, GrowKeepsRowsAndStartsNewItemsAtTheirCategoryMean) {
  test::TempDir dir;
  const Dataset base = testing::planted_dataset(300, 40, 40);
  auto m = make_model(GetParam().model, GetParam().hparams);
  m->fit(base, base.train_full());
  save_artifact(*m, base, dir.file("base"));
  // The optimiser state is saved beside the weights.
  const std::string weights = dir.file("base") + "/model.pt";
  torch::serialize::InputArchive archive;
  archive.load_from(weights);
  torch::Tensor state;
  EXPECT_TRUE(archive.try_read(GetParam().optimiser_key, state));

  const Artifact a = load_artifact(dir.file("base"));
  const ExtendedDataset ext =
      extend_vocabulary(new_data(100, 10, 10), a.items.names(), a.item_categories);
  ASSERT_EQ(ext.new_items, 4u);
  auto grown = make_model(GetParam().model, GetParam().hparams);
  grown->load_weights(weights, a.num_items());
  uint32_t dim = 0;
  const std::vector<float> before = grown->item_vectors(dim);
  const std::vector<uint32_t> session = {3, 14, 7};
  const std::vector<float> scores_before = testing::scores_of(*grown, a.num_items(), session);
  grown->grow_items(ext.dataset.num_items(), ext.dataset.item_category());
  // Scores are linear in the item rows (these configurations have no normalisation): old items
  // keep theirs, a new item scores its category's mean.
  const std::vector<float> scores_after = testing::scores_of(*grown, 45, session);
  const auto mean_score = [&](uint32_t lo, uint32_t hi) {
    double sum = 0;
    for (uint32_t i = lo; i <= hi; ++i) sum += scores_before[i];
    return sum / (hi - lo + 1);
  };
  for (uint32_t i = 1; i < a.num_items(); ++i) {
    ASSERT_NEAR(scores_after[i], scores_before[i], 1e-4) << "item " << i;
  }
  EXPECT_NEAR(scores_after[41], mean_score(21, 40), 1e-3) << "c2 item";
  EXPECT_NEAR(scores_after[43], mean_score(1, 40), 1e-3) << "new category";
  EXPECT_NEAR(scores_after[44], mean_score(1, 40), 1e-3) << "no category";
  if (before.empty()) return;  // no retrieval form (the variational models)
  uint32_t dim2 = 0;
  const std::vector<float> after = grown->item_vectors(dim2);
  ASSERT_EQ(dim, dim2);
  ASSERT_EQ(after.size(), size_t{45} * dim);
  for (size_t i = 0; i < before.size(); ++i) ASSERT_EQ(before[i], after[i]) << "value " << i;
  // Retrieval vectors may append a constant column (GRU4Rec's [Wy, By] form is linear in the
  // rows, so category means carry through).
  auto mean_of = [&](uint32_t lo, uint32_t hi, uint32_t d) {
    double s = 0;
    for (uint32_t i = lo; i <= hi; ++i) s += before[static_cast<size_t>(i) * dim + d];
    return s / (hi - lo + 1);
  };
  for (uint32_t d = 0; d < dim; ++d) {
    EXPECT_NEAR(after[41 * dim + d], mean_of(21, 40, d), 1e-5) << "c2 item, dim " << d;
    EXPECT_NEAR(after[43 * dim + d], mean_of(1, 40, d), 1e-5) << "new category, dim " << d;
    EXPECT_NEAR(after[44 * dim + d], mean_of(1, 40, d), 1e-5) << "no category, dim " << d;
  }
}

TEST_P(WarmStart, TrainingContinuesOnNewDataAndLearnsTheNewItems) {
  test::TempDir dir;
  const Dataset base = testing::planted_dataset(300, 40, 40);
  TrainRequest r;
  r.model = GetParam().model;
  r.hparams = GetParam().hparams;
  r.out = dir.file("base");
  r.evaluate = false;
  train_and_save(base, r);

  r.out = dir.file("warm");
  r.warm_start = dir.file("base");
  r.evaluate = true;
  const TrainResult warm = train_and_save(new_data(400, 40, 60), r);
  EXPECT_EQ(warm.warm_start["new_items"], 4);
  EXPECT_EQ(warm.warm_start["base_items"], 41);
  const Artifact a = load_artifact(dir.file("warm"));
  const Artifact b = load_artifact(dir.file("base"));
  ASSERT_EQ(a.num_items(), 45u);
  for (uint32_t i = 0; i < b.num_items(); ++i) EXPECT_EQ(a.items.name(i), b.items.name(i));
  EXPECT_EQ(a.meta["warm_start"]["from"], dir.file("base"));
  // Half the test targets are new items after [x]; the planted third items are learnable too.
  EXPECT_GT(warm.metrics["metrics"]["HR@10"].get<double>(), 0.6) << warm.metrics.dump();
  // A model of another kind cannot warm-start from this artifact.
  TrainRequest other = r;
  other.model = GetParam().model == "gru4rec" ? "sasrec" : "gru4rec";
  other.hparams = GetParam().model == "gru4rec" ? testing::tiny_sasrec() : testing::tiny_gru4rec();
  other.out = dir.file("other");
  EXPECT_THROW(train_and_save(new_data(100, 10, 10), other), Error);
}

INSTANTIATE_TEST_SUITE_P(
    Models, WarmStart,
    ::testing::Values(
        Case{"gru4rec", testing::tiny_gru4rec({{"n_epochs", 6}, {"embedding", 16}}), "opt.0.acc"},
        Case{"sasrec", testing::tiny_sasrec({{"n_epochs", 8}}), "opt.item_emb.exp_avg"},
        Case{"bsarec", testing::tiny_sasrec({{"n_epochs", 8}}), "opt.item_emb.exp_avg"},
        Case{"srgnn", testing::tiny_srgnn({{"n_epochs", 8}}), "opt.item_emb.weight.exp_avg"},
        Case{"narm", testing::tiny_narm({{"n_epochs", 8}}), "opt.item_emb.weight.exp_avg"},
        Case{"svae", testing::tiny_svae({{"n_epochs", 8}}), "opt.decoder_out.weight.exp_avg"},
        Case{"multvae", testing::tiny_multvae({{"n_epochs", 8}}),
             "opt.decoder_out.weight.exp_avg"}),
    [](const auto& info) { return info.param.model; });

}  // namespace
}  // namespace kairos
