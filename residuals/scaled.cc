// A constant shortcut scale, DeepNorm's form (Wang et al. 2022, "DeepNet"):
//   x_i = LN(α·x_{i-1} + f_i(x_{i-1})),
// α a non-trainable buffer: --residual_alpha, or what an initializer sets (deepnorm: α from
// the depths, docs/formulas.md §5).
#include <memory>

#include "residuals/norm_after_sum.h"

namespace plugins {

REGISTER_RESIDUAL(
    "scaled",
    "Constant shortcut scale (DeepNorm's form): x_i = LN(alpha * x_{i-1} + f_i(x_{i-1})).",
    {OptionSpec::Double("residual_alpha", 1.0,
                        "alpha of LN(alpha*x + f(x)) before any initializer sets it")},
    [](const OptionValues& options) {
      const double alpha = options.GetDouble("residual_alpha");
      ResidualTraits traits;
      traits.shortcut_scale = ResidualTraits::ShortcutScale::kConstant;
      return MakeArrangement(traits, [alpha](const ResidualSite& site) {
        return std::make_shared<NormAfterSum>(site.embed_dim,
                                              ResidualTraits::ShortcutScale::kConstant, alpha);
      });
    });

}  // namespace plugins
