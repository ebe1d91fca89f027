#include "core/model/label_smoothed_loss.h"

#include <ATen/ATen.h>

#include "core/model/fused_label_smoothed_loss.h"

namespace core {
namespace {

void CheckArguments(const at::Tensor& logits, const at::Tensor& targets, double epsilon) {
  TORCH_CHECK(logits.dim() == 3 && targets.dim() == 2 && logits.size(0) == targets.size(0) &&
                  logits.size(1) == targets.size(1),
              "logits ", logits.sizes(), " do not match targets ", targets.sizes());
  TORCH_CHECK(epsilon >= 0 && epsilon < 1, "label smoothing = ", epsilon, " must be in [0, 1)");
}

}  // namespace

LossSums LabelSmoothedCrossEntropy(const at::Tensor& logits, const at::Tensor& targets,
                                   double epsilon, int64_t pad_id) {
  if (!logits.device().is_cpu()) {
    return ComposedLabelSmoothedCrossEntropy(logits, targets, epsilon, pad_id);
  }
  CheckArguments(logits, targets, epsilon);
  const int64_t vocab_size = logits.size(2);
  // fp32 whatever the model's dtype (bf16 logits under autocast).
  auto [loss, nll] = FusedLabelSmoothedLoss(
      logits.to(at::kFloat).contiguous().view({-1, vocab_size}),
      targets.contiguous().view({-1}), epsilon, pad_id);
  return {loss, nll, targets.ne(pad_id).sum()};
}

LossSums ComposedLabelSmoothedCrossEntropy(const at::Tensor& logits, const at::Tensor& targets,
                                           double epsilon, int64_t pad_id) {
  CheckArguments(logits, targets, epsilon);
  const int64_t vocab_size = logits.size(2);
  // Log-probabilities in fp32 at least, whatever the model's dtype.
  const at::Tensor log_probs =
      at::log_softmax(logits, /*dim=*/-1, at::promote_types(logits.scalar_type(), at::kFloat));
  const at::Tensor real = targets.ne(pad_id);
  const at::Tensor nll = -log_probs.gather(-1, targets.unsqueeze(-1)).squeeze(-1);
  const at::Tensor smooth = -log_probs.sum(-1);
  const double eps_i = vocab_size > 1 ? epsilon / static_cast<double>(vocab_size - 1) : 0.0;
  const at::Tensor per_token = (1.0 - epsilon - eps_i) * nll + eps_i * smooth;
  const at::Tensor zero = at::zeros({}, per_token.options());
  return {at::where(real, per_token, zero).sum(), at::where(real, nll, zero).sum(), real.sum()};
}

}  // namespace core
