// `tfixup`: T-Fixup (Huang et al., ICML 2020) as in its reference code (docs/formulas.md §4).
//
// After fairseq's init, with N encoder and M decoder layers:
//  - encoder fc1, fc2, out_proj × 0.67·N^-1/4, v_proj × 0.67·N^-1/4·√2
//    (√2 undoes fairseq's 1/√2 gain on q/k/v);
//  - decoder fc1, fc2, both out_proj × (9M)^-1/4, both v_proj × (9M)^-1/4·√2;
//  - encoder embedding × (9N)^-1/4 (the encoder's depth, as the code does), a separate
//    decoder embedding × (9M)^-1/4.
// T-Fixup removes every LayerNorm and the warmup: it needs residual mode `none` in both
// stacks, and is meant for a schedule without warmup (inverse_sqrt_nowarmup).
#include <cmath>
#include <memory>

#include "core/model/attention.h"
#include "core/model/feed_forward.h"
#include "core/model/transformer.h"
#include "initializers/fairseq_init.h"
#include "initializers/residual_requirement.h"
#include "plugins/initializer.h"

namespace plugins {
namespace {

class TFixupInitializer : public Initializer {
 public:
  absl::Status CheckModelOptions(const core::ModelOptions& options) const override {
    return RequireResidualTraits(
        options, "tfixup", [](const ResidualTraits& traits) { return !traits.has_layer_norm; },
        "arrangements without LayerNorm in both stacks, e.g. --encoder_residual=none "
        "--decoder_residual=none",
        "its scaling replaces LayerNorm, and with LayerNorm kept it would only shrink the "
        "branches");
  }

  absl::Status Initialize(core::TransformerImpl& model, const InitContext&) override {
    ApplyFairseqInit(model);
    at::NoGradGuard no_grad;
    const core::ModelOptions& options = model.options();
    const double encoder_scale = 0.67 * std::pow(options.encoder_layers, -0.25);
    const double decoder_scale = std::pow(9.0 * options.decoder_layers, -0.25);
    for (const core::Sublayer& sublayer : model.Sublayers()) {
      const double scale = sublayer.stack == core::Stack::kEncoder ? encoder_scale : decoder_scale;
      if (sublayer.attention != nullptr) {
        sublayer.attention->out_proj->weight.mul_(scale);
        sublayer.attention->v_proj->weight.mul_(scale * std::sqrt(2.0));
      }
      if (sublayer.feed_forward != nullptr) {
        sublayer.feed_forward->fc1->weight.mul_(scale);
        sublayer.feed_forward->fc2->weight.mul_(scale);
      }
    }
    model.encoder->embed_tokens->weight.mul_(std::pow(9.0 * options.encoder_layers, -0.25));
    if (!options.share_all_embeddings) {
      model.decoder->embed_tokens->weight.mul_(std::pow(9.0 * options.decoder_layers, -0.25));
    }
    return absl::OkStatus();
  }
};

REGISTER_INITIALIZER("tfixup",
                     "T-Fixup: fairseq init rescaled by depth, for residual mode none and no "
                     "warmup (Huang et al. 2020).",
                     {}, [](const OptionValues&) { return std::make_unique<TFixupInitializer>(); });

}  // namespace
}  // namespace plugins
