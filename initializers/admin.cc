// `admin`: Admin (Liu et al., EMNLP 2020) in one command (docs/formulas.md §3.2–3.4).
//
// Fairseq's init, then one profiling forward pass in train mode on a real training batch
// that fills every ω by the recursion in initializers/admin_profile.h, and the profile
// written to the run directory as `profile.ratio.init` (the reference format). With
// --admin_profile=FILE the profile is read instead of measured (e.g. to train several
// seeds with one profile, or with the reference code's file). ω is a model parameter, so
// checkpoints carry it.
#include <memory>

#include "absl/strings/str_cat.h"
#include "core/model/transformer.h"
#include "core/util/status_macros.h"
#include "initializers/admin_profile.h"
#include "initializers/fairseq_init.h"
#include "initializers/residual_requirement.h"
#include "plugins/initializer.h"

namespace plugins {
namespace {

class AdminInitializer : public Initializer {
 public:
  AdminInitializer(std::string profile_path, VarianceOver variance_over)
      : profile_path_(std::move(profile_path)), variance_over_(variance_over) {}

  absl::Status CheckModelOptions(const core::ModelOptions& options) const override {
    return RequireResidualTraits(
        options, "admin",
        [](const ResidualTraits& traits) {
          return traits.shortcut_scale != ResidualTraits::ShortcutScale::kNone;
        },
        "a shortcut scale in both stacks, trainable or constant, e.g. --encoder_residual=admin "
        "--decoder_residual=admin",
        "it sets the shortcut scale omega from a profile");
  }

  absl::Status Initialize(core::TransformerImpl& model, const InitContext& context) override {
    ApplyFairseqInit(model);
    AdminProfile profile;
    if (!profile_path_.empty()) {
      absl::StatusOr<AdminProfile> read = ReadAdminProfile(
          profile_path_, 2 * model.options().encoder_layers, 3 * model.options().decoder_layers);
      if (!read.ok()) return read.status();
      profile = *std::move(read);
      RETURN_IF_ERROR(ApplyAdminProfile(model, profile));
    } else {
      if (!context.forward_sample_batch) {
        return absl::FailedPreconditionError(
            "initializer 'admin' profiles on a training batch, and none is available here; "
            "pass --admin_profile=FILE");
      }
      AdminProfiler profiler(variance_over_);
      RETURN_IF_ERROR(context.forward_sample_batch(&profiler));
      profile = profiler.profile();
    }
    if (context.output_dir.empty()) return absl::OkStatus();
    return WriteAdminProfile(context.output_dir + "/profile.ratio.init", profile);
  }

 private:
  std::string profile_path_;
  VarianceOver variance_over_;
};

absl::StatusOr<std::unique_ptr<Initializer>> MakeAdmin(const OptionValues& options) {
  const std::string& variance = options.GetString("admin_variance");
  if (variance != "all" && variance != "real") {
    return absl::InvalidArgumentError(absl::StrCat("initializer 'admin': --admin_variance = '",
                                                   variance, "' must be 'all' or 'real'"));
  }
  return std::make_unique<AdminInitializer>(
      options.GetString("admin_profile"),
      variance == "all" ? VarianceOver::kAllPositions : VarianceOver::kRealPositions);
}

REGISTER_INITIALIZER(
    "admin", "Admin: fairseq init, then omega profiled on one training batch (Liu et al. 2020).",
    (OptionSpecs{
        OptionSpec::String("admin_profile", "",
                           "read omega from this profile.ratio.init instead of "
                           "profiling (\"\": profile)"),
        OptionSpec::String(
            "admin_variance", "all",
            "positions the profiling variances run over: all (reference code, padding "
            "included) or real (padding excluded)"),
    }),
    MakeAdmin);

}  // namespace
}  // namespace plugins
