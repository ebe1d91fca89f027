#include "residuals/pre_norm.h"

namespace plugins {

PreNorm::PreNorm(int64_t embed_dim) { AddLayerNorm(embed_dim); }

torch::Tensor PreNorm::BranchInput(const torch::Tensor& x) { return layer_norm(x); }

torch::Tensor PreNorm::Combine(const torch::Tensor& x, const torch::Tensor& branch) {
  return x + branch;
}

}  // namespace plugins
