#include "core/model/label_smoothed_loss.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>

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

// The fused CPU loss against the composition of ATen operations: sums and gradients within
// 1e-5 relative, with padding rows, a vocabulary that is no multiple of the vector width, and
// logits large enough that an unshifted exp would overflow. The composition runs in fp64 on
// the same values: in fp32 its own rounding of log-probabilities near 160 is about 1e-5.
TEST(LabelSmoothedLossTest, FusedMatchesTheComposedLoss) {
  at::manual_seed(11);
  for (const int64_t vocab : {1003, 8000}) {
    for (const double scale : {1.0, 40.0}) {
      const at::Tensor logits = (at::randn({4, 9, vocab}) * scale).requires_grad_();
      at::Tensor targets = at::randint(2, vocab, {4, 9}, at::kLong);
      targets.slice(1, 6, 9).fill_(1);  // padding at the end of every sentence
      const LossSums fused = LabelSmoothedCrossEntropy(logits, targets, 0.1, /*pad_id=*/1);
      (fused.loss * 3).backward();
      const at::Tensor fused_gradient = logits.grad().clone();
      logits.mutable_grad().reset();
      const LossSums composed =
          ComposedLabelSmoothedCrossEntropy(logits.to(at::kDouble), targets, 0.1, 1);
      (composed.loss * 3).backward();
      SCOPED_TRACE("vocab " + std::to_string(vocab) + ", scale " + std::to_string(scale));
      EXPECT_NEAR(fused.loss.item<double>(), composed.loss.item<double>(),
                  1e-5 * composed.loss.item<double>());
      EXPECT_NEAR(fused.nll.item<double>(), composed.nll.item<double>(),
                  1e-5 * composed.nll.item<double>());
      EXPECT_EQ(fused.tokens.item<int64_t>(), 24);
      // Relative to the gradient's scale: entries of far-from-target words are ~1e-10.
      const double largest = logits.grad().abs().max().item<double>();
      EXPECT_LT((fused_gradient - logits.grad()).abs().max().item<double>(), 1e-5 * largest);
      EXPECT_TRUE(fused_gradient.slice(1, 6, 9).eq(0).all().item<bool>());
    }
  }
}

TEST(LabelSmoothedLossTest, Bf16LogitsAreScoredInFp32) {
  at::manual_seed(12);
  const at::Tensor logits = at::randn({2, 5, 300}).to(at::kBFloat16);
  const at::Tensor targets = at::randint(0, 300, {2, 5}, at::kLong);
  const LossSums fused = LabelSmoothedCrossEntropy(logits, targets, 0.1, -1);
  const LossSums composed = ComposedLabelSmoothedCrossEntropy(logits, targets, 0.1, -1);
  EXPECT_EQ(fused.loss.scalar_type(), at::kFloat);
  EXPECT_NEAR(fused.loss.item<double>(), composed.loss.item<double>(),
              1e-5 * composed.loss.item<double>());
}

TEST(LabelSmoothedLossTest, TargetsOutsideTheVocabularyAreAnError) {
  const at::Tensor targets = at::tensor({1, 4}, at::kLong).view({1, 2});
  EXPECT_THROW(LabelSmoothedCrossEntropy(at::zeros({1, 2, 4}), targets, 0.1, 0), c10::Error);
}

TEST(LabelSmoothedLossTest, MismatchedShapesAreAnError) {
  EXPECT_THROW(
      LabelSmoothedCrossEntropy(at::zeros({1, 2, 4}), at::zeros({1, 3}, at::kLong), 0.1, 0),
      c10::Error);
}

}  // namespace
}  // namespace core
