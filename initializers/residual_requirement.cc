#include "initializers/residual_requirement.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "core/util/status_macros.h"

namespace plugins {

absl::Status RequireResidualTraits(const core::ModelOptions& options, absl::string_view initializer,
                                   const std::function<bool(const ResidualTraits&)>& fits,
                                   absl::string_view needs, absl::string_view why) {
  bool both_fit = true;
  for (const bool decoder : {false, true}) {
    ASSIGN_OR_RETURN(std::unique_ptr<ResidualArrangement> arrangement,
                     core::ResidualArrangementOf(options, decoder));
    both_fit = both_fit && fits(arrangement->traits());
  }
  if (both_fit) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("initializer '", initializer, "' needs ", needs,
                                                 " (got ", options.encoder_residual, "/",
                                                 options.decoder_residual, "): ", why));
}

}  // namespace plugins
