// No LayerNorm: x_i = x_{i-1} + f_i(x_{i-1}). T-Fixup (Huang et al. 2020) trains it by
// scaling the initial weights instead (docs/formulas.md §4).
#include <memory>

#include "plugins/residual.h"
#include "plugins/residual_connection.h"

namespace plugins {
namespace {

class PlainSum : public ResidualConnection {
 public:
  torch::Tensor Combine(const torch::Tensor& x, const torch::Tensor& branch) override {
    return x + branch;
  }
};

REGISTER_RESIDUAL("none", "No LayerNorm: x_i = x_{i-1} + f_i(x_{i-1}) (for T-Fixup).", {},
                  [](const OptionValues&) {
                    ResidualTraits traits;
                    traits.has_layer_norm = false;
                    return MakeArrangement(
                        traits, [](const ResidualSite&) { return std::make_shared<PlainSum>(); });
                  });

}  // namespace
}  // namespace plugins
