// The connection of Post-LN's family, x_i = LN(s ⊙ x_{i-1} + f_i): s = 1 (post), a
// trainable ω, vector or scalar (admin), or a constant α (scaled, admin --admin_omega=constant). Shared by those three arrangements.
//
//   auto connection = std::make_shared<NormAfterSum>(
//       /*embed_dim=*/512, ResidualTraits::ShortcutScale::kTrainable, /*alpha=*/1.0);
#ifndef RESIDUALS_NORM_AFTER_SUM_H_
#define RESIDUALS_NORM_AFTER_SUM_H_

#include <cstdint>

#include "plugins/residual.h"
#include "plugins/residual_connection.h"

namespace plugins {

class NormAfterSum : public ResidualConnection {
 public:
  // `alpha` is the initial constant scale (ShortcutScale::kConstant only); a trainable scale
  // is a d-vector ω, or one trainable scalar when `scalar_omega`.
  NormAfterSum(int64_t embed_dim, ResidualTraits::ShortcutScale scale, double alpha,
               bool scalar_omega = false);

  torch::Tensor Combine(const torch::Tensor& x, const torch::Tensor& branch) override;
  bool NormalizesSum() const override { return true; }
};

}  // namespace plugins

#endif  // RESIDUALS_NORM_AFTER_SUM_H_
