#include "initializers/residual_scales.h"

#include <cmath>

#include "absl/strings/str_cat.h"

namespace plugins {

absl::StatusOr<OutputChangeScale> ParseOutputChangeScale(absl::string_view name) {
  if (name == "logn") return OutputChangeScale::kLogN;
  if (name == "n") return OutputChangeScale::kN;
  if (name == "1") return OutputChangeScale::kOne;
  return absl::InvalidArgumentError(
      absl::StrCat("output change scale '", name, "' must be logn, n or 1"));
}

absl::StatusOr<double> ClosedFormOmega(int64_t residual_sublayers, OutputChangeScale scale) {
  if (residual_sublayers < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the closed-form omega needs at least one residual sublayer, got ", residual_sublayers));
  }
  const double n = static_cast<double>(residual_sublayers);
  switch (scale) {
    case OutputChangeScale::kLogN:
      return std::sqrt((n + 1) / std::log(n + 1) - 1);
    case OutputChangeScale::kN:
      return 1.0;
    case OutputChangeScale::kOne:
      return std::sqrt(n);
  }
  return 1.0;
}

DeepNormConstants EncoderDecoderDeepNorm(int64_t encoder_layers, int64_t decoder_layers) {
  const double n = static_cast<double>(encoder_layers);
  const double m = static_cast<double>(decoder_layers);
  const double encoder_depth = std::pow(std::pow(n, 4) * m, 1.0 / 16);
  return {0.81 * encoder_depth, 0.87 / encoder_depth, std::pow(3 * m, 0.25),
          std::pow(12 * m, -0.25)};
}

MagnetoGains EncoderDecoderMagneto(int64_t encoder_layers, int64_t decoder_layers) {
  const double decoder_log = std::log(3.0 * decoder_layers);
  return {std::sqrt(decoder_log * std::log(2.0 * encoder_layers) / 3), std::sqrt(decoder_log)};
}

}  // namespace plugins
