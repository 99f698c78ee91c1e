// The repeat / explore mixture (RepeatNet) on hand-built tensors: scores are the mixture's
// log-probabilities with repeated items' attention summed and padding ignored, training's
// log P(target) equals the scores at the target, and a target outside the session takes its
// probability from the explore side alone.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "models/deep/repeat_mixer.h"

namespace kairos {
namespace {

// Two sessions over 6 items: [2, 4, 2] and [5] (padded), p_r = 0.3 and 0.6.
struct Fixture {
  torch::Tensor items = torch::tensor({{2, 4, 2}, {5, 0, 0}}, torch::kLong);
  torch::Tensor logits =
      torch::tensor({{0.0f, 1.0f, 2.0f, 0.5f, -1.0f, 0.3f}, {0.0f, 0.2f, 0.1f, 1.5f, 0.0f, -0.4f}});
  RepeatParts parts;
  Fixture() {
    parts.log_repeat = torch::log(torch::tensor({0.3f, 0.6f}));
    parts.log_explore = torch::log(torch::tensor({0.7f, 0.4f}));
    parts.attention = torch::tensor({{0.5f, 0.3f, 0.2f}, {1.0f, 0.0f, 0.0f}});
  }
};

TEST(RepeatMixer, ScoresAreTheMixturesLogProbabilities) {
  Fixture f;
  const torch::Tensor s = repeat_mixed_scores(f.parts, f.items, f.logits);
  const torch::Tensor explore = torch::softmax(f.logits, 1);
  auto expect = [&](int64_t row, int64_t item, double repeat_mass) {
    const double pr = row == 0 ? 0.3 : 0.6;
    const double p = pr * repeat_mass + (1 - pr) * explore[row][item].item<double>();
    EXPECT_NEAR(s[row][item].item<double>(), std::log(p), 1e-5) << row << " " << item;
  };
  expect(0, 2, 0.7);  // item 2 twice: 0.5 + 0.2
  expect(0, 4, 0.3);
  expect(0, 3, 0.0);  // not in the session: explore only
  expect(1, 5, 1.0);
  expect(1, 1, 0.0);  // padding positions (item 0) add nothing elsewhere
  double total = 0;
  for (int64_t i = 0; i < 6; ++i) total += std::exp(s[0][i].item<double>());
  EXPECT_NEAR(total, 1.0, 1e-5);
}

TEST(RepeatMixer, TrainingLogProbabilityEqualsTheScoreOfTheTarget) {
  Fixture f;
  const torch::Tensor s = repeat_mixed_scores(f.parts, f.items, f.logits);
  for (const auto& targets :
       {torch::tensor({2, 5}, torch::kLong), torch::tensor({3, 1}, torch::kLong)}) {
    const torch::Tensor explore =
        torch::log_softmax(f.logits, 1).gather(1, targets.unsqueeze(1)).squeeze(1);
    const torch::Tensor lp = repeat_mixed_log_prob(f.parts, f.items, targets, explore);
    const torch::Tensor want = s.gather(1, targets.unsqueeze(1)).squeeze(1);
    EXPECT_TRUE(torch::allclose(lp, want, 1e-5, 1e-5)) << lp << want;
  }
}

TEST(RepeatMixer, ATargetOutsideTheSessionGivesNoGradientToTheAttention) {
  Fixture f;
  const torch::Tensor attention = f.parts.attention.clone().requires_grad_();
  f.parts.attention = attention;
  const torch::Tensor targets = torch::tensor({3, 1}, torch::kLong);
  const torch::Tensor explore =
      torch::log_softmax(f.logits, 1).gather(1, targets.unsqueeze(1)).squeeze(1);
  const torch::Tensor lp = repeat_mixed_log_prob(f.parts, f.items, targets, explore);
  ASSERT_TRUE(torch::isfinite(lp).all().item<bool>());
  lp.sum().backward();
  EXPECT_EQ(attention.grad().abs().sum().item<float>(), 0.0f);
}

// The mixer's own layers: p_r in (0, 1), attention a distribution over the unpadded events.
TEST(RepeatMixer, ModuleGivesAGateAndAnAttentionOverEvents) {
  torch::manual_seed(3);
  RepeatMixer m(8);
  const torch::Tensor events = torch::randn({2, 3, 8});
  const torch::Tensor mask = torch::tensor({{1.0f, 1.0f, 1.0f}, {1.0f, 0.0f, 0.0f}});
  const RepeatParts p = m->forward(events, mask, torch::randn({2, 8}));
  EXPECT_TRUE(torch::allclose(p.log_repeat.exp() + p.log_explore.exp(), torch::ones({2})));
  EXPECT_TRUE(torch::allclose(p.attention.sum(1), torch::ones({2})));
  EXPECT_EQ(p.attention[1][1].item<float>(), 0.0f);
  EXPECT_EQ(p.attention[1][2].item<float>(), 0.0f);
}

}  // namespace
}  // namespace kairos
