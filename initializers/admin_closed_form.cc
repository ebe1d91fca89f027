// `admin_closed_form`: admin-torch's profile-free Admin (docs/formulas.md §3.5).
//
// Every shortcut of a stack gets the same ω = sqrt((N+1)/ln(N+1) − 1), N the stack's
// residual sublayers (2 per encoder layer, 3 per decoder layer), or the O(N) / O(1)
// variants. With residual mode `admin` ω is trainable (admin-torch's as_parameter); with
// `scaled` it is a constant (as_buffer).
#include <memory>

#include "absl/strings/str_cat.h"
#include "core/model/transformer.h"
#include "initializers/fairseq_init.h"
#include "initializers/residual_requirement.h"
#include "initializers/residual_scales.h"
#include "plugins/initializer.h"
#include "plugins/residual_connection.h"

namespace plugins {
namespace {

class AdminClosedFormInitializer : public Initializer {
 public:
  explicit AdminClosedFormInitializer(OutputChangeScale scale) : scale_(scale) {}

  absl::Status CheckModelOptions(const core::ModelOptions& options) const override {
    return RequireResidualTraits(
        options, "admin_closed_form",
        [](const ResidualTraits& traits) {
          return traits.shortcut_scale != ResidualTraits::ShortcutScale::kNone;
        },
        "a shortcut scale in both stacks: trainable (e.g. admin) or constant (e.g. scaled)",
        "it sets that scale to the closed-form omega");
  }

  absl::Status Initialize(core::TransformerImpl& model, const InitContext&) override {
    ApplyFairseqInit(model);
    const absl::StatusOr<double> encoder_omega =
        ClosedFormOmega(2 * model.options().encoder_layers, scale_);
    const absl::StatusOr<double> decoder_omega =
        ClosedFormOmega(3 * model.options().decoder_layers, scale_);
    if (!encoder_omega.ok()) return encoder_omega.status();
    if (!decoder_omega.ok()) return decoder_omega.status();
    at::NoGradGuard no_grad;
    for (const core::Sublayer& sublayer : model.Sublayers()) {
      sublayer.residual->shortcut_scale().fill_(
          sublayer.stack == core::Stack::kEncoder ? *encoder_omega : *decoder_omega);
    }
    return absl::OkStatus();
  }

 private:
  OutputChangeScale scale_;
};

absl::StatusOr<std::unique_ptr<Initializer>> MakeAdminClosedForm(const OptionValues& options) {
  absl::StatusOr<OutputChangeScale> scale =
      ParseOutputChangeScale(options.GetString("output_change_scale"));
  if (!scale.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("initializer 'admin_closed_form': ", scale.status().message()));
  }
  return std::make_unique<AdminClosedFormInitializer>(*scale);
}

REGISTER_INITIALIZER("admin_closed_form",
                     "admin-torch: one omega per stack from its depth, no profiling.",
                     (OptionSpecs{OptionSpec::String(
                         "output_change_scale", "logn",
                         "growth of the output change with depth: logn (Admin default), n "
                         "(omega = 1, Post-LN) or 1 (omega = sqrt N)")}),
                     MakeAdminClosedForm);

}  // namespace
}  // namespace plugins
