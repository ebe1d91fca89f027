// B2T connection (Takase et al. 2023, "B2T Connection: Serving Stability and Performance in
// Deep Transformers"): Post-LN, plus a shortcut from the bottom of each layer to its top that
// skips every LayerNorm but the last. For a layer with input x_l (h the sublayers' outputs):
//   encoder:  h_1 = LN(x_l + Attn(x_l)),        x_{l+1} = LN(h_1 + FFN(h_1) + x_l)
//   decoder:  h_1 = LN(x_l + SelfAttn(x_l)),    h_2 = LN(h_1 + CrossAttn(h_1)),
//             x_{l+1} = LN(h_2 + FFN(h_2) + x_l)
// The un-normalised path keeps gradients from vanishing through deep Post-LN stacks
// (docs/formulas.md §10.5). The layer's input is carried from its first sublayer to its last
// in the stack's state (plugins::ResidualStack).
#include <memory>

#include "residuals/norm_after_sum.h"

namespace plugins {
namespace {

// The input of the layer being run.
class LayerInput : public ResidualStack {
 public:
  void Begin(const torch::Tensor&) override { input = torch::Tensor(); }
  torch::Tensor End(const torch::Tensor& x) override {
    input = torch::Tensor();  // not kept past the pass
    return x;
  }

  torch::Tensor input;
};

class BottomToTop : public NormAfterSum {
 public:
  BottomToTop(const ResidualSite& site)
      : NormAfterSum(site.embed_dim, ResidualTraits::ShortcutScale::kNone, 1.0),
        layer_input_(StackOf<LayerInput>(site)),
        first_(site.sublayer == 0),
        last_(site.sublayer + 1 == site.sublayers) {}

  torch::Tensor Combine(const torch::Tensor& x, const torch::Tensor& branch) override {
    if (first_) layer_input_.input = x;
    if (last_) return layer_norm(x + branch + layer_input_.input);
    return NormAfterSum::Combine(x, branch);
  }
  // The last sublayer's LayerNorm also divides the layer's input.
  bool NormalizesSum() const override { return !last_; }

 private:
  LayerInput& layer_input_;
  bool first_;
  bool last_;
};

REGISTER_RESIDUAL(
    "b2t",
    "B2T connection: Post-LN plus the layer's input added inside the layer's last LayerNorm.", {},
    [](const OptionValues&) {
      return MakeArrangement(
          {}, [](const ResidualSite& site) { return std::make_shared<BottomToTop>(site); },
          [](const ResidualSite&) { return std::make_shared<LayerInput>(); });
    });

}  // namespace
}  // namespace plugins
