// BSARec: its low-pass filter is the Fourier transform's, its configuration refuses what would
// leak targets, and it learns the planted pattern through last-position training and serving.
#include <gtest/gtest.h>

#include "core/error.h"
#include "deep_fixtures.h"
#include "eval/evaluator.h"
#include "eval/protocol.h"
#include "models/deep/bsarec_net.h"
#include "models/factory.h"

namespace kairos {
namespace {

// The paper's filter: rfft over the sequence, frequencies above c/2 zeroed, irfft.
torch::Tensor fft_low_pass(const torch::Tensor& x, int64_t c) {
  const int64_t l = x.size(1);
  torch::Tensor f = torch::fft::rfft(x.to(torch::kDouble), l, 1, "ortho");
  f.narrow(1, c / 2 + 1, f.size(1) - (c / 2 + 1)).zero_();
  return torch::fft::irfft(f, l, 1, "ortho").to(torch::kFloat);
}

TEST(LowPassMatrix, EqualsTheFourierFilter) {
  torch::manual_seed(3);
  for (const auto& [length, c] :
       std::vector<std::pair<int64_t, int64_t>>{{50, 5}, {8, 3}, {9, 4}}) {
    const torch::Tensor x = torch::randn({2, length, 6});
    const torch::Tensor mine = torch::matmul(low_pass_matrix(length, c), x);
    EXPECT_TRUE(torch::allclose(mine, fft_low_pass(x, c), 1e-4, 1e-5)) << length << " " << c;
  }
}

TEST(LowPassMatrix, IsAProjectionThatKeepsConstantsAndDropsTheHighest) {
  const torch::Tensor p = low_pass_matrix(8, 3);  // keeps frequencies 0 and 1 of 0..4
  EXPECT_TRUE(torch::allclose(p, p.t(), 1e-6, 1e-6));
  EXPECT_TRUE(torch::allclose(torch::mm(p, p), p, 1e-5, 1e-5));
  const torch::Tensor constant = torch::full({8, 1}, 2.5);
  EXPECT_TRUE(torch::allclose(torch::mm(p, constant), constant, 1e-5, 1e-5));
  const torch::Tensor alternating = torch::tensor({1.f, -1.f, 1.f, -1.f, 1.f, -1.f, 1.f, -1.f});
  EXPECT_LT(torch::mv(p, alternating).abs().max().item<float>(), 1e-5);
  // c beyond the sequence keeps everything.
  EXPECT_TRUE(torch::allclose(low_pass_matrix(6, 20), torch::eye(6), 1e-5, 1e-5));
}

// Padding rows are zero at every block, so the last n positions with the filter's n x n corner
// give what the full max_len window gives: batches and sessions need not be padded to max_len.
TEST(BsaRecNet, ATrimmedWindowEqualsTheFullOne) {
  torch::manual_seed(5);
  BsaRecNet net(30, 16, 2, 2, 10, 0.0, 0.6, 3);
  net->eval();
  torch::NoGradGuard no_grad;
  const torch::Tensor full = torch::tensor({0, 0, 0, 0, 0, 0, 7, 3, 12, 5}).view({1, 10});
  const torch::Tensor trimmed = full.narrow(1, 6, 4);
  const torch::Tensor types = torch::zeros_like(full);
  const torch::Tensor a = net->forward(full, types).narrow(1, 6, 4);
  const torch::Tensor b = net->forward(trimmed, types.narrow(1, 6, 4));
  EXPECT_TRUE(torch::allclose(a, b, 1e-4, 1e-5));
  EXPECT_THROW(
      net->forward(torch::ones({1, 11}, torch::kLong), torch::zeros({1, 11}, torch::kLong)),
      c10::Error);
}

TEST(BsaRecConfig, RefusesWhatWouldLeakOrIsUnsupported) {
  for (const nlohmann::json& hp :
       {nlohmann::json{{"targets", "all"}}, nlohmann::json{{"alpha", 1.5}},
        nlohmann::json{{"c", 0}}, nlohmann::json{{"use_types", true}},
        nlohmann::json{{"dilations", {1, 2}}}}) {
    try {
      make_model("bsarec", hp);
      ADD_FAILURE() << "accepted " << hp.dump();
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kUsage) << hp.dump();
    }
  }
  EXPECT_THROW(make_model("sasrec", {{"alpha", 0.5}}), Error);  // a bsarec key
  EXPECT_THROW(make_model("sasrec", {{"targets", "first"}}), Error);
  const auto m = make_model("bsarec", {{"alpha", 0.3}, {"c", 7}});
  EXPECT_EQ(m->name(), "bsarec");
  EXPECT_EQ(m->hparams()["targets"], "last");
  EXPECT_EQ(m->hparams()["alpha"], 0.3);
  EXPECT_EQ(m->hparams()["c"], 7);
}

double mrr_at_20(const std::string& name, const nlohmann::json& hp, const Dataset& d) {
  auto m = make_model(name, hp);
  m->fit(d, d.train_full());
  eval::EvalOptions o;
  o.protocol = eval::Protocol::kLastItem;
  o.cutoffs = {20};
  o.bootstrap = 0;
  o.progress = false;
  return eval::evaluate(*m, d, o).metrics.at("MRR@20");
}

// Trained on padded last positions, served by re-encoding the padded session: both must agree for
// the planted second-order pattern to be learnt; so must SASRec trained the same way.
TEST(BsaRecPlanted, LearnsWhatMarkovCannot) {
  const Dataset d = testing::planted_dataset(1500, 100, 200);
  const double markov = mrr_at_20("markov", {}, d);
  const auto hp = testing::tiny_sasrec({{"alpha", 0.5}, {"c", 3}, {"n_epochs", 15}});
  EXPECT_GT(mrr_at_20("bsarec", hp, d), markov + 0.3);
  EXPECT_GT(mrr_at_20("sasrec", testing::tiny_sasrec({{"targets", "last"}, {"n_epochs", 15}}), d),
            markov + 0.3);
}

}  // namespace
}  // namespace kairos
