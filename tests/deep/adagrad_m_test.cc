// AdagradM: the sparse CPU step equals the tensor-op formula (repeated rows summed first) and
// leaves untouched rows alone; dense steps follow acc += g^2, v = mu v + lr g / sqrt(acc + eps).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "models/deep/adagrad_m.h"

namespace kairos {
namespace {

// With and without momentum; widths below and above one vector register (the kernel is cloned
// per instruction set, tails included).
TEST(AdagradM, SparseRowsMatchTheFormulaAndSumDuplicates) {
  for (const double momentum : {0.5, 0.0}) {
    for (const int64_t dim : {3, 37}) {
      torch::manual_seed(1);
      torch::Tensor table = torch::randn({6, dim});
      const torch::Tensor before = table.clone();
      AdagradM opt(0.1, momentum, 0.01);
      const int h = opt.add_sparse(table);
      const torch::Tensor rows = torch::tensor({4, 1, 4}, torch::kLong);
      const torch::Tensor grad = torch::randn({3, dim});
      for (int step = 0; step < 2; ++step) opt.step_rows(h, rows, grad, 1.0);
      // Reference: row 4 gets g0 + g2, row 1 gets g1; two identical steps.
      auto expect_row = [&](int64_t row, const torch::Tensor& g) {
        torch::Tensor acc = torch::zeros({dim}), v = torch::zeros({dim}), p = before[row].clone();
        for (int step = 0; step < 2; ++step) {
          acc += g * g;
          v = momentum * v + 0.1 * g / (acc + 0.01).sqrt();
          p -= v;
        }
        EXPECT_TRUE(torch::allclose(table[row], p, 1e-5, 1e-6))
            << "row " << row << " momentum " << momentum << " dim " << dim;
      };
      expect_row(4, grad[0] + grad[2]);
      expect_row(1, grad[1]);
      for (int64_t r : {0, 2, 3, 5}) EXPECT_TRUE(torch::equal(table[r], before[r])) << r;
    }
  }
}

TEST(AdagradM, DenseStepUsesAndClearsTheGradient) {
  torch::Tensor w = torch::ones({2}).requires_grad_();
  AdagradM opt(0.5, 0.0, 1e-6);
  opt.add_dense(w);
  (w * torch::tensor({2.0f, -4.0f})).sum().backward();
  opt.step_dense(1.0);
  // First Adagrad step moves each weight by lr * sign(g) (up to eps).
  EXPECT_NEAR(w[0].item<float>(), 0.5f, 1e-5);
  EXPECT_NEAR(w[1].item<float>(), 1.5f, 1e-5);
  EXPECT_EQ(w.grad().abs().sum().item<float>(), 0.0f);
}

// eps sits inside the root (the official GRU4Rec's IndexedAdagradM): a row whose gradient is
// small next to sqrt(eps) -- a sampled negative's -- takes an SGD-sized step, not the full rate.
TEST(AdagradM, SmallGradientsTakeSgdSizedSteps) {
  for (const bool sparse : {false, true}) {
    torch::Tensor w = torch::zeros({1, 4}).requires_grad_(!sparse);
    AdagradM opt(0.05, 0.0, 1e-6);
    const torch::Tensor g = torch::full({1, 4}, 1e-4f);
    if (sparse) {
      opt.step_rows(opt.add_sparse(w), torch::tensor({0}, torch::kLong), g, 1.0);
    } else {
      opt.add_dense(w);
      (w * g).sum().backward();
      opt.step_dense(1.0);
    }
    // 0.05 * 1e-4 / sqrt(1e-8 + 1e-6) = 0.004975; eps added to sqrt(acc) instead gives 0.0495.
    EXPECT_NEAR(w.detach()[0][0].item<float>(), -0.004975f, 1e-5f) << "sparse " << sparse;
  }
}

}  // namespace
}  // namespace kairos
