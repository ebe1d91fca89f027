// Label-smoothed cross-entropy as fairseq's `label_smoothed_cross_entropy`.
//
// With ε the smoothing and V the vocabulary, per real target token:
//   loss = (1 - ε - ε/(V-1))·nll + ε/(V-1)·Σ_v (-log p_v),   nll = -log p_target.
// Padding targets contribute nothing. Sums (not means) are returned, so gradient
// accumulation and data-parallel ranks can normalise by the total token count. On a CPU the
// loss is one fused pass forward and one backward (core/model/fused_label_smoothed_loss.h);
// elsewhere it is composed of ATen operations.
//
//   LossSums sums = LabelSmoothedCrossEntropy(logits, targets, 0.1, pad_id);
//   (sums.loss / sums.tokens).backward();
#ifndef CORE_MODEL_LABEL_SMOOTHED_LOSS_H_
#define CORE_MODEL_LABEL_SMOOTHED_LOSS_H_

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace core {

struct LossSums {
  // Σ label-smoothed loss over real target tokens (differentiable, fp32 scalar).
  at::Tensor loss;
  // Σ negative log-likelihood over real target tokens (fp32 scalar).
  at::Tensor nll;
  // Number of real target tokens (int64 scalar).
  at::Tensor tokens;
};

// logits: [B, T, V]; targets: [B, T] int64 with `pad_id` at padding; 0 <= ε < 1.
LossSums LabelSmoothedCrossEntropy(const at::Tensor& logits, const at::Tensor& targets,
                                   double epsilon, int64_t pad_id);

// The same loss from ATen operations (log_softmax, gather, sum) on any device: the path off
// the CPU, and the reference the fused one is tested against.
LossSums ComposedLabelSmoothedCrossEntropy(const at::Tensor& logits, const at::Tensor& targets,
                                           double epsilon, int64_t pad_id);

}  // namespace core

#endif  // CORE_MODEL_LABEL_SMOOTHED_LOSS_H_
