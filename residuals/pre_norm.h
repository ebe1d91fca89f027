// Pre-LN's connection, x_i = x_{i-1} + f_i(LN(x_{i-1})): pre, mixln's deeper layers, and the
// base of sandwich and subln, which add their LayerNorms through its hooks.
//
//   auto connection = std::make_shared<PreNorm>(/*embed_dim=*/512);
#ifndef RESIDUALS_PRE_NORM_H_
#define RESIDUALS_PRE_NORM_H_

#include <cstdint>

#include "plugins/residual_connection.h"

namespace plugins {

class PreNorm : public ResidualConnection {
 public:
  explicit PreNorm(int64_t embed_dim);

  torch::Tensor BranchInput(const torch::Tensor& x) override;
  torch::Tensor Combine(const torch::Tensor& x, const torch::Tensor& branch) override;
};

}  // namespace plugins

#endif  // RESIDUALS_PRE_NORM_H_
