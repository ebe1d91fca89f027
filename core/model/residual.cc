#include "core/model/residual.h"

#include <ATen/ATen.h>

namespace core {

ResidualImpl::ResidualImpl(ResidualMode mode, int64_t embed_dim, double alpha) : mode_(mode) {
  if (mode != ResidualMode::kNone) {
    layer_norm = register_module(
        "layer_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({embed_dim}).eps(1e-5)));
  }
  if (mode == ResidualMode::kAdmin) {
    shortcut_scale_ = register_parameter("omega", at::ones({embed_dim}));
  } else if (mode == ResidualMode::kScaled) {
    shortcut_scale_ = register_buffer("alpha", at::full({1}, alpha));
  }
}

torch::Tensor ResidualImpl::BranchInput(const torch::Tensor& x) {
  return mode_ == ResidualMode::kPre ? layer_norm(x) : x;
}

torch::Tensor ResidualImpl::Combine(const torch::Tensor& x, const torch::Tensor& branch) {
  switch (mode_) {
    case ResidualMode::kPost:
      return layer_norm(x + branch);
    case ResidualMode::kAdmin:
    case ResidualMode::kScaled:
      return layer_norm(x * shortcut_scale_ + branch);
    case ResidualMode::kPre:
    case ResidualMode::kNone:
      return x + branch;
  }
  return x + branch;
}

}  // namespace core
