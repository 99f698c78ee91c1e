// Row-sparse Adam: on the rows a step touches it is torch.optim.Adam (repeated rows' gradients
// summed first); rows it does not touch keep their weights and moments (LibTorch's dense Adam
// would keep moving rows touched earlier).
#include "models/deep/adam_rows.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace kairos {
namespace {

TEST(AdamRows, TouchedRowsFollowAdamAndTheRestStayPut) {
  torch::manual_seed(1);
  const int64_t rows = 6, dim = 5;
  const torch::Tensor init = torch::randn({rows, dim});
  torch::Tensor dense = init.clone().requires_grad_(true);
  torch::optim::Adam adam({dense}, torch::optim::AdamOptions(0.01));
  torch::Tensor sparse = init.clone(), m = torch::zeros_like(init), v = torch::zeros_like(init);
  std::vector<float> scratch;
  AdamRowsOptions o;
  o.lr = 0.01f;
  // Step 1 touches rows 1, 3 (twice) and 4; step 2 touches rows 3 and 5.
  const std::vector<std::vector<int64_t>> touched = {{3, 1, 3, 4}, {5, 3}};
  torch::Tensor after_step1;
  for (size_t step = 0; step < touched.size(); ++step) {
    const torch::Tensor idx = torch::tensor(touched[step]);
    const torch::Tensor g = torch::randn({idx.size(0), dim});
    adam.zero_grad();
    dense.mutable_grad() = torch::zeros_like(init).index_add(0, idx, g);
    adam.step();
    adam_rows(sparse.data_ptr<float>(), m.data_ptr<float>(), v.data_ptr<float>(),
              g.data_ptr<float>(), idx.data_ptr<int64_t>(), static_cast<size_t>(idx.size(0)), dim,
              static_cast<int64_t>(step + 1), o, &scratch);
    for (int64_t r : touched[step]) {
      EXPECT_TRUE(torch::allclose(sparse[r], dense.detach()[r], 1e-5, 1e-6)) << "row " << r;
    }
    if (step == 0) after_step1 = sparse.clone();
  }
  // Untouched by step 2: rows 1 and 4 keep step 1's values (dense Adam moved them on), 0 and 2
  // were never touched.
  for (int64_t r : {1, 4}) {
    EXPECT_TRUE(torch::equal(sparse[r], after_step1[r]));
    EXPECT_FALSE(torch::allclose(dense.detach()[r], after_step1[r]));
  }
  for (int64_t r : {0, 2}) EXPECT_TRUE(torch::equal(sparse[r], init[r]));
}

}  // namespace
}  // namespace kairos
