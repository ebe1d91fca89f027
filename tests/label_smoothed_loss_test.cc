#include "core/model/label_smoothed_loss.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>

namespace core {
namespace {

TEST(LabelSmoothedLossTest, MatchesTheFormulaAndIgnoresPadding) {
  at::manual_seed(3);
  const at::Tensor logits = at::randn({2, 3, 5});
  const at::Tensor targets = at::tensor({1, 4, 0, 2, 0, 0}, at::kLong).view({2, 3});  // pad 0
  const double epsilon = 0.1;
  const LossSums sums = LabelSmoothedCrossEntropy(logits, targets, epsilon, /*pad_id=*/0);
  double loss = 0;
  double nll = 0;
  const at::Tensor log_probs = at::log_softmax(logits, -1);
  for (const auto& [b, t] : {std::pair{0, 0}, {0, 1}, {1, 0}}) {
    const int64_t target = targets[b][t].item<int64_t>();
    const double token_nll = -log_probs[b][t][target].item<double>();
    const double smooth = -log_probs[b][t].sum().item<double>();
    nll += token_nll;
    loss += (1 - epsilon - epsilon / 4) * token_nll + epsilon / 4 * smooth;
  }
  EXPECT_NEAR(sums.loss.item<double>(), loss, 1e-5);
  EXPECT_NEAR(sums.nll.item<double>(), nll, 1e-5);
  EXPECT_EQ(sums.tokens.item<int64_t>(), 3);
}

TEST(LabelSmoothedLossTest, NoSmoothingIsCrossEntropy) {
  const at::Tensor logits = at::zeros({1, 2, 4});
  const at::Tensor targets = at::tensor({1, 2}, at::kLong).view({1, 2});
  const LossSums sums = LabelSmoothedCrossEntropy(logits, targets, 0.0, 0);
  EXPECT_NEAR(sums.loss.item<double>(), 2 * std::log(4.0), 1e-6);
  EXPECT_NEAR(sums.nll.item<double>(), sums.loss.item<double>(), 1e-6);
}

TEST(LabelSmoothedLossTest, GradientFlowsToLogits) {
  const at::Tensor logits = at::randn({1, 2, 4}).requires_grad_();
  const at::Tensor targets = at::tensor({1, 2}, at::kLong).view({1, 2});
  LabelSmoothedCrossEntropy(logits, targets, 0.1, 0).loss.backward();
  ASSERT_TRUE(logits.grad().defined());
  EXPECT_GT(logits.grad().abs().sum().item<double>(), 0);
}

TEST(LabelSmoothedLossTest, MismatchedShapesAreAnError) {
  EXPECT_THROW(
      LabelSmoothedCrossEntropy(at::zeros({1, 2, 4}), at::zeros({1, 3}, at::kLong), 0.1, 0),
      c10::Error);
}

}  // namespace
}  // namespace core
