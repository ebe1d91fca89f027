// The label-smoothed cross-entropy of core/model/label_smoothed_loss.h as one pass over the
// logits forward and one backward, for contiguous fp32 logits on a CPU.
//
// The composition of ATen operations (log_softmax, gather, sum, and their backward) reads or
// writes the whole [tokens, vocabulary] array in each of them and keeps log-probabilities for
// backward; at d = 64 and an 8,000-way vocabulary that array is larger than any single
// activation of the model. Here each row's max, log-sum-exp and sum of logits come from one read, and
// backward writes the gradient in one pass from the saved logits and each row's max and Σ exp:
//   ∂loss/∂z_v = g · (softmax(z)_v − ε/(V−1) − (1 − ε − ε/(V−1))·[v = target]),
// zero on padding rows. exp is a vectorizable polynomial (relative error about 1e-7).
//
//   auto [loss, nll] = FusedLabelSmoothedLoss(logits.view({-1, V}), targets.view(-1), 0.1, 1);
#ifndef CORE_MODEL_FUSED_LABEL_SMOOTHED_LOSS_H_
#define CORE_MODEL_FUSED_LABEL_SMOOTHED_LOSS_H_

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <utility>

namespace core {

// logits: [N, V] contiguous fp32 on a CPU; targets: [N] int64 with `pad_id` at padding.
// Returns (Σ label-smoothed loss, Σ nll) over real rows as fp32 scalars; the first is
// differentiable with respect to the logits.
std::pair<at::Tensor, at::Tensor> FusedLabelSmoothedLoss(const at::Tensor& logits,
                                                         const at::Tensor& targets,
                                                         double epsilon, int64_t pad_id);

}  // namespace core

#endif  // CORE_MODEL_FUSED_LABEL_SMOOTHED_LOSS_H_
