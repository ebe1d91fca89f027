#include "residuals/norm_after_sum.h"

namespace plugins {

NormAfterSum::NormAfterSum(int64_t embed_dim, ResidualTraits::ShortcutScale scale, double alpha,
                           bool scalar_omega) {
  AddLayerNorm(embed_dim);
  switch (scale) {
    case ResidualTraits::ShortcutScale::kNone:
      break;
    case ResidualTraits::ShortcutScale::kTrainable:
      AddTrainableScale(scalar_omega ? 1 : embed_dim);
      break;
    case ResidualTraits::ShortcutScale::kConstant:
      AddConstantScale(alpha);
      break;
  }
}

torch::Tensor NormAfterSum::Combine(const torch::Tensor& x, const torch::Tensor& branch) {
  return layer_norm(shortcut_scale_.defined() ? x * shortcut_scale_ + branch : x + branch);
}

}  // namespace plugins
