// A connection without LayerNorm whose branch enters the sum times a trainable scalar:
// x_i = x_{i-1} + α_i·f_i(x_{i-1}), α_i one per sublayer (the parameter `branch_scale`).
// Shared by rezero (α_i = 0 at first) and skipinit (α_i small).
//
//   auto connection = std::make_shared<ScaledBranch>(/*initial_scale=*/0.0);
#ifndef RESIDUALS_SCALED_BRANCH_H_
#define RESIDUALS_SCALED_BRANCH_H_

#include "plugins/residual.h"
#include "plugins/residual_connection.h"

namespace plugins {

class ScaledBranch : public ResidualConnection {
 public:
  explicit ScaledBranch(double initial_scale);

  // α·f: applied before the sum, so observers (Admin's profile, the dependency analysis) see
  // what the shortcut receives.
  torch::Tensor BranchOutput(const torch::Tensor& branch) override;
  torch::Tensor Combine(const torch::Tensor& x, const torch::Tensor& branch) override;

  // [1], trainable.
  torch::Tensor branch_scale;
};

// Traits of an arrangement of ScaledBranch connections: no LayerNorm, no shortcut scale.
ResidualTraits ScaledBranchTraits();

}  // namespace plugins

#endif  // RESIDUALS_SCALED_BRANCH_H_
