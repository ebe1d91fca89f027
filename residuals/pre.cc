// Pre-LN (Xiong et al. 2020; Wang et al. 2019): x_i = x_{i-1} + f_i(LN(x_{i-1})), and one
// more LayerNorm closes the stack. Stable without warmup, usually a little worse than Post-LN
// when both converge (docs/formulas.md §1).
#include <memory>

#include "plugins/residual.h"
#include "plugins/residual_connection.h"

namespace plugins {
namespace {

class PreNorm : public ResidualConnection {
 public:
  explicit PreNorm(int64_t embed_dim) { AddLayerNorm(embed_dim); }

  torch::Tensor BranchInput(const torch::Tensor& x) override { return layer_norm(x); }
  torch::Tensor Combine(const torch::Tensor& x, const torch::Tensor& branch) override {
    return x + branch;
  }
};

REGISTER_RESIDUAL("pre", "Pre-LN: x_i = x_{i-1} + f_i(LN(x_{i-1})), a final LayerNorm per stack.",
                  {}, [](const OptionValues&) {
                    ResidualTraits traits;
                    traits.final_layer_norm = true;
                    return MakeArrangement(traits, [](const ResidualSite& site) {
                      return std::make_shared<PreNorm>(site.embed_dim);
                    });
                  });

}  // namespace
}  // namespace plugins
