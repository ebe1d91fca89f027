#include "residuals/scaled_branch.h"

#include <ATen/ATen.h>

#include "plugins/residual.h"

namespace plugins {

ScaledBranch::ScaledBranch(double initial_scale) {
  branch_scale = register_parameter("branch_scale", at::full({1}, initial_scale));
}

torch::Tensor ScaledBranch::BranchOutput(const torch::Tensor& branch) {
  return branch * branch_scale;
}

torch::Tensor ScaledBranch::Combine(const torch::Tensor& x, const torch::Tensor& branch) {
  return x + branch;
}

ResidualTraits ScaledBranchTraits() {
  ResidualTraits traits;
  traits.has_layer_norm = false;
  return traits;
}

}  // namespace plugins
