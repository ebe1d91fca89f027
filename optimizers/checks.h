// Range checks shared by the optimizer plugins, so every plugin rejects a bad value with the
// same message shape: "optimizer 'adam': --eps = -1 must be >= 0".
#ifndef OPTIMIZERS_CHECKS_H_
#define OPTIMIZERS_CHECKS_H_

#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace plugins {

// OK when `value` >= 0; otherwise InvalidArgument naming the optimizer, --option and value
// (NaN is rejected too).
absl::Status CheckNonNegative(absl::string_view optimizer, absl::string_view option, double value);

// --betas as (beta1, beta2): exactly two numbers, each in [0, 1) as PyTorch requires.
absl::StatusOr<std::pair<double, double>> CheckBetas(absl::string_view optimizer,
                                                     const std::vector<double>& betas);

}  // namespace plugins

#endif  // OPTIMIZERS_CHECKS_H_
