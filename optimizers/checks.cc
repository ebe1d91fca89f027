#include "optimizers/checks.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace plugins {

absl::Status CheckNonNegative(absl::string_view optimizer, absl::string_view option, double value) {
  if (value >= 0) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("optimizer '", optimizer, "': --", option, " = ", value, " must be >= 0"));
}

absl::StatusOr<std::pair<double, double>> CheckBetas(absl::string_view optimizer,
                                                     const std::vector<double>& betas) {
  // Written so that NaN fails as well.
  const auto in_range = [](double beta) { return beta >= 0 && beta < 1; };
  if (betas.size() != 2 || !in_range(betas[0]) || !in_range(betas[1])) {
    return absl::InvalidArgumentError(
        absl::StrCat("optimizer '", optimizer, "': --betas = ", absl::StrJoin(betas, ","),
                     " must be two numbers in [0, 1), e.g. 0.9,0.98"));
  }
  return std::make_pair(betas[0], betas[1]);
}

}  // namespace plugins
