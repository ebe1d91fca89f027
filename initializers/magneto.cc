// `magneto`: Magneto's initialization (Wang et al. 2023) for Sub-LN (residuals/subln.cc,
// docs/formulas.md §10.4): fairseq's init, then the weights of v_proj, out_proj, fc1 and fc2
// multiplied by γ (q_proj, k_proj, biases and embeddings as fairseq), with torchscale's
// encoder-decoder gains of initializers/residual_scales.h: encoder γ = sqrt(ln(3M)·ln(2N)/3),
// decoder γ = sqrt(ln(3M)). γ > 1 grows the branches that Sub-LN's inner LayerNorms keep
// bounded; without them it would only make the model less stable, so it needs Sub-LN.
#include <memory>

#include "core/model/attention.h"
#include "core/model/feed_forward.h"
#include "core/model/transformer.h"
#include "initializers/fairseq_init.h"
#include "initializers/residual_requirement.h"
#include "initializers/residual_scales.h"
#include "plugins/initializer.h"

namespace plugins {
namespace {

class MagnetoInitializer : public Initializer {
 public:
  absl::Status CheckModelOptions(const core::ModelOptions& options) const override {
    return RequireResidualTraits(
        options, "magneto", [](const ResidualTraits& traits) { return traits.sublayer_norm; },
        "a LayerNorm inside every branch in both stacks, e.g. --encoder_residual=subln "
        "--decoder_residual=subln",
        "its gain gamma > 1 grows the branches that Sub-LN's inner LayerNorms keep bounded");
  }

  absl::Status Initialize(core::TransformerImpl& model, const InitContext&) override {
    ApplyFairseqInit(model);
    const MagnetoGains gains =
        EncoderDecoderMagneto(model.options().encoder_layers, model.options().decoder_layers);
    at::NoGradGuard no_grad;
    for (const core::Sublayer& sublayer : model.Sublayers()) {
      const double gain =
          sublayer.stack == core::Stack::kEncoder ? gains.encoder : gains.decoder;
      if (sublayer.attention != nullptr) {
        sublayer.attention->v_proj->weight.mul_(gain);
        sublayer.attention->out_proj->weight.mul_(gain);
      }
      if (sublayer.feed_forward != nullptr) {
        sublayer.feed_forward->fc1->weight.mul_(gain);
        sublayer.feed_forward->fc2->weight.mul_(gain);
      }
    }
    return absl::OkStatus();
  }
};

REGISTER_INITIALIZER("magneto",
                     "Magneto: fairseq init with v, out, fc1, fc2 scaled up by gamma from the "
                     "depths, for Sub-LN (Wang et al. 2023).",
                     {}, [](const OptionValues&) { return std::make_unique<MagnetoInitializer>(); });

}  // namespace
}  // namespace plugins
