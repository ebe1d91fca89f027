#include "core/model/label_smoothed_loss.h"

#include <ATen/ATen.h>

namespace core {

LossSums LabelSmoothedCrossEntropy(const at::Tensor& logits, const at::Tensor& targets,
                                   double epsilon, int64_t pad_id) {
  TORCH_CHECK(logits.dim() == 3 && targets.dim() == 2 && logits.size(0) == targets.size(0) &&
                  logits.size(1) == targets.size(1),
              "logits ", logits.sizes(), " do not match targets ", targets.sizes());
  TORCH_CHECK(epsilon >= 0 && epsilon < 1, "label smoothing = ", epsilon, " must be in [0, 1)");
  const int64_t vocab_size = logits.size(2);
  // Log-probabilities in fp32 whatever the model's dtype.
  const at::Tensor log_probs = at::log_softmax(logits, /*dim=*/-1, at::kFloat);
  const at::Tensor real = targets.ne(pad_id);
  const at::Tensor nll = -log_probs.gather(-1, targets.unsqueeze(-1)).squeeze(-1);
  const at::Tensor smooth = -log_probs.sum(-1);
  const double eps_i = vocab_size > 1 ? epsilon / static_cast<double>(vocab_size - 1) : 0.0;
  const at::Tensor per_token = (1.0 - epsilon - eps_i) * nll + eps_i * smooth;
  const at::Tensor zero = at::zeros({}, per_token.options());
  return {at::where(real, per_token, zero).sum(), at::where(real, nll, zero).sum(), real.sum()};
}

}  // namespace core
