// The plain-float GRU step that serving uses equals RecurrentLayer::step (LibTorch), for the
// recurrent part and with an input projection.
#include "models/deep/gru_step.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "models/deep/recurrent_layer.h"

namespace kairos {
namespace {

TEST(GruStep, PlainFloatStepEqualsTheLibTorchLayer) {
  torch::manual_seed(3);
  torch::NoGradGuard no_grad;
  for (int64_t H : {1, 7, 64, 192}) {
    const int64_t in = 13;
    RecurrentLayer L(false, in, H);
    L.b_ih.uniform_(-0.5, 0.5);
    L.b_hh.uniform_(-0.5, 0.5);
    const torch::Tensor x = torch::randn({1, in});
    const torch::Tensor h0 = torch::randn({1, H}) * 0.5;
    const torch::Tensor want = L.step(L.project(x), h0);

    std::vector<float> gi(3 * H), scratch(3 * H), h(h0.data_ptr<float>(), h0.data_ptr<float>() + H);
    matvec_bias(L.w_ih.data_ptr<float>(), L.b_ih.data_ptr<float>(), x.data_ptr<float>(), 3 * H, in,
                gi.data());
    gru_step_one(gi.data(), L.w_hh.data_ptr<float>(), L.b_hh.data_ptr<float>(), H, h.data(),
                 scratch.data());
    for (int64_t j = 0; j < H; ++j) EXPECT_NEAR(h[j], want[0][j].item<float>(), 1e-5) << H;
  }
}

// A session's first step (h = 0) skips W_hh; it must still equal the layer's step.
TEST(GruStep, FirstStepFromZeroEqualsTheLibTorchLayer) {
  torch::manual_seed(4);
  torch::NoGradGuard no_grad;
  const int64_t in = 9, H = 32;
  RecurrentLayer L(false, in, H);
  L.b_ih.uniform_(-0.5, 0.5);
  L.b_hh.uniform_(-0.5, 0.5);
  const torch::Tensor x = torch::randn({1, in});
  const torch::Tensor want = L.step(L.project(x), torch::zeros({1, H}));
  std::vector<float> gi(3 * H), scratch(3 * H), h(H, 0.0f);
  matvec_bias(L.w_ih.data_ptr<float>(), L.b_ih.data_ptr<float>(), x.data_ptr<float>(), 3 * H, in,
              gi.data());
  gru_step_one(gi.data(), L.w_hh.data_ptr<float>(), L.b_hh.data_ptr<float>(), H, h.data(),
               scratch.data());
  for (int64_t j = 0; j < H; ++j) EXPECT_NEAR(h[j], want[0][j].item<float>(), 1e-6);
}

}  // namespace
}  // namespace kairos
