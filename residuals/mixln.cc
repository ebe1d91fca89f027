// Mix-LN (Li et al. 2024, "Mix-LN: Unleashing the Power of Deeper Layers by Combining Pre-LN
// and Post-LN"): the first ⌊ρ·L⌋ layers of an L-layer stack are Post-LN,
//   x_i = LN(x_{i-1} + f_i(x_{i-1})),
// the rest Pre-LN, x_i = x_{i-1} + f_i(LN(x_{i-1})), and a final LayerNorm closes the stack
// (its last layers are Pre-LN's). ρ = --mixln_post_fraction, 0.25 in the paper. Post-LN's
// large gradients in early layers and Pre-LN's in deep ones meet in the middle
// (docs/formulas.md §10.2).
#include <cmath>
#include <cstdint>
#include <memory>

#include "absl/strings/str_cat.h"
#include "residuals/norm_after_sum.h"
#include "residuals/pre_norm.h"

namespace plugins {
namespace {

absl::StatusOr<std::unique_ptr<ResidualArrangement>> MakeMixLn(const OptionValues& options) {
  const double fraction = options.GetDouble("mixln_post_fraction");
  if (!(fraction >= 0 && fraction <= 1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "residual 'mixln': --mixln_post_fraction = ", fraction, " must be in [0, 1]"));
  }
  ResidualTraits traits;
  traits.final_layer_norm = true;
  return MakeArrangement(
      traits, [fraction](const ResidualSite& site) -> std::shared_ptr<ResidualConnection> {
        const auto post_layers = static_cast<int64_t>(std::floor(fraction * site.layers + 1e-9));
        if (site.layer < post_layers) {
          return std::make_shared<NormAfterSum>(site.embed_dim,
                                                ResidualTraits::ShortcutScale::kNone, 1.0);
        }
        return std::make_shared<PreNorm>(site.embed_dim);
      });
}

REGISTER_RESIDUAL("mixln",
                  "Mix-LN: Post-LN in the first floor(fraction * layers) layers of a stack, "
                  "Pre-LN in the rest, a final LayerNorm.",
                  (OptionSpecs{OptionSpec::Double(
                      "mixln_post_fraction", 0.25,
                      "fraction of each stack's layers, from the bottom, that are Post-LN "
                      "(rounded down)")}),
                  MakeMixLn);

}  // namespace
}  // namespace plugins
