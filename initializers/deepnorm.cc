// `deepnorm`: DeepNet (Wang et al. 2022) for encoder-decoder models (docs/formulas.md §5), as
// Transformer-Clinic's `deepnet` init: x_{l+1} = LN(α·x_l + G_l(x_l)) with the constants of
// initializers/residual_scales.h; v_proj, out_proj, fc1 and fc2 drawn Xavier-normal with
// gain β, q_proj and k_proj with gain 1; biases 0, embeddings as fairseq. (torchscale's
// encoder β is 1.15·(N⁴M)^-1/16 instead of 0.87·…: this follows the Clinic code.)
#include <torch/nn/init.h>

#include <memory>

#include "core/model/attention.h"
#include "core/model/feed_forward.h"
#include "core/model/transformer.h"
#include "initializers/fairseq_init.h"
#include "initializers/residual_requirement.h"
#include "initializers/residual_scales.h"
#include "plugins/initializer.h"
#include "plugins/residual_connection.h"

namespace plugins {
namespace {

void XavierNormal(torch::nn::Linear& linear, double gain) {
  torch::nn::init::xavier_normal_(linear->weight, gain);
  linear->bias.zero_();
}

class DeepNormInitializer : public Initializer {
 public:
  absl::Status CheckModelOptions(const core::ModelOptions& options) const override {
    return RequireResidualTraits(
        options, "deepnorm",
        [](const ResidualTraits& traits) {
          return traits.shortcut_scale == ResidualTraits::ShortcutScale::kConstant;
        },
        "a constant shortcut scale in both stacks, e.g. --encoder_residual=scaled "
        "--decoder_residual=scaled",
        "it sets the constant alpha of LN(alpha*x + f(x))");
  }

  absl::Status Initialize(core::TransformerImpl& model, const InitContext&) override {
    ApplyFairseqInit(model);
    const DeepNormConstants constants =
        EncoderDecoderDeepNorm(model.options().encoder_layers, model.options().decoder_layers);
    at::NoGradGuard no_grad;
    for (const core::Sublayer& sublayer : model.Sublayers()) {
      const bool encoder = sublayer.stack == core::Stack::kEncoder;
      const double beta = encoder ? constants.encoder_beta : constants.decoder_beta;
      sublayer.residual->shortcut_scale().fill_(encoder ? constants.encoder_alpha
                                                        : constants.decoder_alpha);
      if (sublayer.attention != nullptr) {
        XavierNormal(sublayer.attention->q_proj, 1.0);
        XavierNormal(sublayer.attention->k_proj, 1.0);
        XavierNormal(sublayer.attention->v_proj, beta);
        XavierNormal(sublayer.attention->out_proj, beta);
      }
      if (sublayer.feed_forward != nullptr) {
        XavierNormal(sublayer.feed_forward->fc1, beta);
        XavierNormal(sublayer.feed_forward->fc2, beta);
      }
    }
    return absl::OkStatus();
  }
};

REGISTER_INITIALIZER("deepnorm",
                     "DeepNet: constant residual scale alpha and init gain beta from the "
                     "depths (Wang et al. 2022).",
                     {},
                     [](const OptionValues&) { return std::make_unique<DeepNormInitializer>(); });

}  // namespace
}  // namespace plugins
