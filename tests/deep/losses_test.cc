// Loss gradients against central finite differences (double precision), and the loss values
// against their definitions on a hand-sized example.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "models/deep/losses.h"

namespace kairos {
namespace {

template <typename F>
void expect_gradient_matches(F loss_of, torch::Tensor x) {
  x = x.clone().set_requires_grad(true);
  loss_of(x).backward();
  const torch::Tensor analytic = x.grad().clone();
  torch::NoGradGuard no_grad;
  const double h = 1e-6;
  auto flat = x.view({-1});
  for (int64_t i = 0; i < flat.size(0); ++i) {
    const double old = flat[i].item<double>();
    flat[i] = old + h;
    const double up = loss_of(x).template item<double>();
    flat[i] = old - h;
    const double down = loss_of(x).template item<double>();
    flat[i] = old;
    EXPECT_NEAR(analytic.view({-1})[i].item<double>(), (up - down) / (2 * h), 1e-6)
        << "element " << i;
  }
}

torch::Tensor scores_3x5() {
  torch::manual_seed(3);
  return torch::randn({3, 5}, torch::kDouble);
}

TEST(Losses, BprMaxGradientMatchesFiniteDifferences) {
  const torch::Tensor target = diagonal_targets(3, torch::TensorOptions());
  expect_gradient_matches([&](const torch::Tensor& x) { return bpr_max(x, target, 0.7); },
                          scores_3x5());
  expect_gradient_matches([&](const torch::Tensor& x) { return bpr_max(x, target, 0.0); },
                          scores_3x5());
}

TEST(Losses, SoftmaxCrossEntropyGradientMatchesFiniteDifferences) {
  // The sampled-softmax layout of SASRec: column 0 = positive, then shared negatives (logQ
  // offsets are constants added to the logits, so they do not change this check).
  const torch::Tensor target = torch::zeros({3}, torch::kLong);
  expect_gradient_matches([&](const torch::Tensor& x) { return softmax_cross_entropy(x, target); },
                          scores_3x5());
  const torch::Tensor diag = diagonal_targets(3, torch::TensorOptions());
  expect_gradient_matches([&](const torch::Tensor& x) { return softmax_cross_entropy(x, diag); },
                          scores_3x5());
}

TEST(Losses, BprMaxValueFollowsTheDefinition) {
  // One row, target 0 with score 2; negatives 1 and 0 -> softmax weights e/(e+1), 1/(e+1).
  const torch::Tensor r = torch::tensor({{2.0, 1.0, 0.0}}, torch::kDouble);
  const double e = std::exp(1.0), s1 = e / (e + 1), s2 = 1 / (e + 1);
  auto sig = [](double v) { return 1 / (1 + std::exp(-v)); };
  const double expected = -std::log(s1 * sig(1.0) + s2 * sig(2.0)) + 0.5 * (s1 * 1.0 + s2 * 0.0);
  EXPECT_NEAR(bpr_max(r, torch::zeros({1}, torch::kLong), 0.5).item<double>(), expected, 1e-12);
}

TEST(Losses, CrossEntropyIsSummedOverRows) {
  const torch::Tensor r = torch::zeros({4, 8}, torch::kDouble);
  EXPECT_NEAR(softmax_cross_entropy(r, torch::zeros({4}, torch::kLong)).item<double>(),
              4 * std::log(8.0), 1e-12);
}

TEST(Losses, SampledSoftmaxCorrectsByLogQAndMasksAccidentalHits) {
  // Row 0: target item 7, negatives items 7 (its own target: masked) and 9.
  const torch::Tensor q = torch::tensor({{1.0, 0.0}}, torch::kDouble);
  const torch::Tensor pos = torch::tensor({{2.0, 5.0}}, torch::kDouble);              // logit 2
  const torch::Tensor neg = torch::tensor({{3.0, 0.0}, {1.0, 1.0}}, torch::kDouble);  // 3, 1
  const torch::Tensor pos_logq = torch::tensor({0.5}, torch::kDouble);
  const torch::Tensor neg_logq = torch::tensor({0.5, -1.0}, torch::kDouble);
  const torch::Tensor targets = torch::tensor({int64_t{7}});
  const torch::Tensor negatives = torch::tensor({int64_t{7}, int64_t{9}});
  // Logits: 2 - 0.5 for the positive, 1 + 1 for item 9; item 7's negative column is masked.
  const double expected = -(1.5 - std::log(std::exp(1.5) + std::exp(2.0)));
  EXPECT_NEAR(sampled_softmax_cross_entropy(q, pos, pos_logq, neg, neg_logq, targets, negatives)
                  .item<double>(),
              expected, 1e-9);
}

}  // namespace
}  // namespace kairos
