// ReZero (Bachlechner et al. 2020, "ReZero is All You Need: Fast Convergence at Large Depth"):
//   x_i = x_{i-1} + α_i·f_i(x_{i-1}),   α_i a trainable scalar, initially 0, no LayerNorm.
// Every layer starts as the identity, and the scales grow as training needs them
// (docs/formulas.md §10.3). One α per sublayer, as the paper; Transformer-Clinic's `rezero`
// init shares one α between the sublayers of a layer.
#include <memory>

#include "residuals/scaled_branch.h"

namespace plugins {
namespace {

REGISTER_RESIDUAL("rezero",
                  "ReZero: x_i = x_{i-1} + alpha_i * f_i(x_{i-1}), alpha_i trainable from 0, no "
                  "LayerNorm.",
                  {}, [](const OptionValues&) {
                    return MakeArrangement(ScaledBranchTraits(), [](const ResidualSite&) {
                      return std::make_shared<ScaledBranch>(0.0);
                    });
                  });

}  // namespace
}  // namespace plugins
