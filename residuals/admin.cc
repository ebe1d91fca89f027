// Admin's arrangement (Liu et al. 2020): x_i = LN(x_{i-1} ⊙ ω_i + f_i(x_{i-1})), one ω_i per
// sublayer. At ω = 1 it is exactly Post-LN; the Admin initializers set ω from a profile or
// admin-torch's closed form (docs/formulas.md §3). --admin_omega chooses what ω is:
//   vector    a trainable d-vector (Transformer-Clinic, admin-torch's as_parameter);
//   scalar    one trainable scalar per sublayer (the paper's statistic is a scalar);
//   constant  a fixed buffer (admin-torch's as_buffer; then the traits are DeepNorm's form).
#include <memory>

#include "absl/strings/str_cat.h"
#include "residuals/norm_after_sum.h"

namespace plugins {
namespace {

absl::StatusOr<std::unique_ptr<ResidualArrangement>> MakeAdmin(const OptionValues& options) {
  const std::string& omega = options.GetString("admin_omega");
  if (omega != "vector" && omega != "scalar" && omega != "constant") {
    return absl::InvalidArgumentError(absl::StrCat("residual 'admin': --admin_omega = '", omega,
                                                   "' must be vector, scalar or constant"));
  }
  ResidualTraits traits;
  traits.shortcut_scale = omega == "constant" ? ResidualTraits::ShortcutScale::kConstant
                                              : ResidualTraits::ShortcutScale::kTrainable;
  const bool scalar = omega == "scalar";
  return MakeArrangement(traits, [traits, scalar](const ResidualSite& site) {
    return std::make_shared<NormAfterSum>(site.embed_dim, traits.shortcut_scale, 1.0, scalar);
  });
}

REGISTER_RESIDUAL("admin",
                  "Admin: x_i = LN(x_{i-1} * omega_i + f_i(x_{i-1})), omega_i trainable (a "
                  "d-vector or a scalar) or constant.",
                  (OptionSpecs{OptionSpec::String(
                      "admin_omega", "vector",
                      "what omega is: vector (trainable d-vector, the reference code), scalar "
                      "(one trainable scalar per sublayer) or constant (a buffer)")}),
                  MakeAdmin);

}  // namespace
}  // namespace plugins
