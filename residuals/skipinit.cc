// SkipInit (De & Smith 2020, "Batch Normalization Biases Residual Blocks Towards the Identity
// Function in Deep Networks"): no normalization, and a trainable scalar at the end of each
// residual branch, initialised small:
//   x_i = x_{i-1} + α_i·f_i(x_{i-1}),   α_i = --skipinit_alpha at first.
// The paper bounds the start by about 1/sqrt(number of residual branches); α = 0 is ReZero
// (docs/formulas.md §10.3).
#include <cmath>
#include <memory>

#include "absl/strings/str_cat.h"
#include "residuals/scaled_branch.h"

namespace plugins {
namespace {

absl::StatusOr<std::unique_ptr<ResidualArrangement>> MakeSkipInit(const OptionValues& options) {
  const double alpha = options.GetDouble("skipinit_alpha");
  if (!std::isfinite(alpha) || alpha < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "residual 'skipinit': --skipinit_alpha = ", alpha, " must be a finite number >= 0"));
  }
  return MakeArrangement(ScaledBranchTraits(), [alpha](const ResidualSite&) {
    return std::make_shared<ScaledBranch>(alpha);
  });
}

REGISTER_RESIDUAL("skipinit",
                  "SkipInit: x_i = x_{i-1} + alpha_i * f_i(x_{i-1}), alpha_i trainable from a "
                  "small value, no LayerNorm.",
                  (OptionSpecs{OptionSpec::Double(
                      "skipinit_alpha", 0.1,
                      "initial branch scale alpha of every sublayer (0 is ReZero)")}),
                  MakeSkipInit);

}  // namespace
}  // namespace plugins
