// Sandwich-LN (Ding et al. 2021, CogView) / Peri-LN (Kim et al. 2025): a LayerNorm on the
// branch's input and another on its output, the shortcut left un-normalised:
//   x_i = x_{i-1} + LN_out(f_i(LN_in(x_{i-1}))),
// and, as Pre-LN, one more LayerNorm closes the stack. The output norm bounds what each branch
// adds to the stream, which Pre-LN lets grow (docs/formulas.md §10.1). Parameters:
// `layer_norm` (LN_in) and `output_layer_norm` (LN_out).
#include <memory>

#include "plugins/residual.h"
#include "residuals/pre_norm.h"

namespace plugins {
namespace {

class SandwichNorm : public PreNorm {
 public:
  explicit SandwichNorm(int64_t embed_dim) : PreNorm(embed_dim) {
    output_layer_norm_ = AddLayerNorm("output_layer_norm", embed_dim);
  }

  torch::Tensor BranchOutput(const torch::Tensor& branch) override {
    return output_layer_norm_(branch);
  }

 private:
  torch::nn::LayerNorm output_layer_norm_{nullptr};
};

REGISTER_RESIDUAL("sandwich",
                  "Sandwich-LN / Peri-LN: x_i = x_{i-1} + LN(f_i(LN(x_{i-1}))), a final "
                  "LayerNorm per stack.",
                  {}, [](const OptionValues&) {
                    ResidualTraits traits;
                    traits.final_layer_norm = true;
                    return MakeArrangement(traits, [](const ResidualSite& site) {
                      return std::make_shared<SandwichNorm>(site.embed_dim);
                    });
                  });

}  // namespace
}  // namespace plugins
