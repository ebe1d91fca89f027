// What an initializer needs of the residual arrangements, checked before the model exists:
// any arrangement whose traits fit combines with it, any other is a configuration error.
//
//   return RequireResidualTraits(
//       options, "tfixup", [](const ResidualTraits& t) { return !t.has_layer_norm; },
//       "arrangements without LayerNorm (e.g. --encoder_residual=none --decoder_residual=none)",
//       "its scaling replaces LayerNorm");
#ifndef INITIALIZERS_RESIDUAL_REQUIREMENT_H_
#define INITIALIZERS_RESIDUAL_REQUIREMENT_H_

#include <functional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "core/model/model_options.h"
#include "plugins/residual.h"

namespace plugins {

// OK when the arrangements of both stacks satisfy `fits`; otherwise InvalidArgument:
// "initializer '<initializer>' needs <needs> (got <encoder>/<decoder>): <why>".
absl::Status RequireResidualTraits(const core::ModelOptions& options, absl::string_view initializer,
                                   const std::function<bool(const ResidualTraits&)>& fits,
                                   absl::string_view needs, absl::string_view why);

}  // namespace plugins

#endif  // INITIALIZERS_RESIDUAL_REQUIREMENT_H_
