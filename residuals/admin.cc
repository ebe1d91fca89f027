// Admin's arrangement (Liu et al. 2020): x_i = LN(x_{i-1} ⊙ ω_i + f_i(x_{i-1})),
// ω_i a trainable d-vector per sublayer. At ω = 1 it is exactly Post-LN; the Admin
// initializer profiles ω from one forward pass (docs/formulas.md §3).
#include <memory>

#include "residuals/norm_after_sum.h"

namespace plugins {

REGISTER_RESIDUAL(
    "admin", "Admin: x_i = LN(x_{i-1} * omega_i + f_i(x_{i-1})), omega_i a trainable d-vector.", {},
    [](const OptionValues&) {
      ResidualTraits traits;
      traits.shortcut_scale = ResidualTraits::ShortcutScale::kTrainable;
      return MakeArrangement(traits, [](const ResidualSite& site) {
        return std::make_shared<NormAfterSum>(site.embed_dim,
                                              ResidualTraits::ShortcutScale::kTrainable, 1.0);
      });
    });

}  // namespace plugins
