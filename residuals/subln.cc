// Sub-LN (Wang et al. 2023, "Magneto: A Foundation Transformer"): Pre-LN with one more
// LayerNorm inside each branch, on what its last matrix reads:
//   attention:     x + W_out·LN'(Attn(LN(x)))       (LN' before the output projection)
//   feed-forward:  x + W_2·LN'(φ(W_1·LN(x)))        (LN' over the hidden width, before fc2)
// and a final LayerNorm per stack. Meant with Magneto's initialization (--init=magneto,
// initializers/magneto.cc), which scales v, out, fc1 and fc2 up by γ (docs/formulas.md §10.4).
// Parameters: `layer_norm` (LN) and `inner_layer_norm` (LN').
#include <memory>

#include "plugins/residual.h"
#include "residuals/pre_norm.h"

namespace plugins {
namespace {

class SubLayerNorm : public PreNorm {
 public:
  SubLayerNorm(int64_t embed_dim, int64_t inner_dim) : PreNorm(embed_dim) {
    inner_layer_norm_ = AddLayerNorm("inner_layer_norm", inner_dim);
  }

  torch::Tensor BranchInner(const torch::Tensor& hidden) override {
    return inner_layer_norm_(hidden);
  }

 private:
  torch::nn::LayerNorm inner_layer_norm_{nullptr};
};

REGISTER_RESIDUAL("subln",
                  "Sub-LN (Magneto): Pre-LN plus a LayerNorm before attention's output "
                  "projection and before the FFN's second matrix (with --init=magneto).",
                  {}, [](const OptionValues&) {
                    ResidualTraits traits;
                    traits.final_layer_norm = true;
                    traits.sublayer_norm = true;
                    return MakeArrangement(traits, [](const ResidualSite& site) {
                      return std::make_shared<SubLayerNorm>(site.embed_dim, site.inner_dim);
                    });
                  });

}  // namespace
}  // namespace plugins
