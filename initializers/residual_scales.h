// Closed-form residual scales: admin-torch's ω, DeepNet's α/β and Magneto's γ
// (docs/formulas.md §3.5, §5, §10.4).
//
//   absl::StatusOr<double> omega = ClosedFormOmega(12, OutputChangeScale::kLogN);  // 2.017
//   DeepNormConstants c = EncoderDecoderDeepNorm(/*encoder_layers=*/6, /*decoder_layers=*/6);
#ifndef INITIALIZERS_RESIDUAL_SCALES_H_
#define INITIALIZERS_RESIDUAL_SCALES_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace plugins {

// How the output change ‖F(W) − F(W+δ)‖² may grow with the number N of residual sublayers.
enum class OutputChangeScale { kLogN, kN, kOne };

// "logn", "n" or "1" (admin-torch's 'O(logn)', 'O(n)', 'O(1)').
absl::StatusOr<OutputChangeScale> ParseOutputChangeScale(absl::string_view name);

// admin-torch's ω for N residual sublayers: sqrt((N+1)/ln(N+1) − 1) for O(log N),
// 1 for O(N), sqrt(N) for O(1). N < 1 is InvalidArgument (ln 1 = 0).
absl::StatusOr<double> ClosedFormOmega(int64_t residual_sublayers, OutputChangeScale scale);

// DeepNet's constants for an encoder-decoder with N encoder and M decoder layers, as the
// Transformer-Clinic `deepnet` init: encoder α = 0.81·(N⁴M)^(1/16), β = 0.87·(N⁴M)^(-1/16);
// decoder α = (3M)^(1/4), β = (12M)^(-1/4).
struct DeepNormConstants {
  double encoder_alpha;
  double encoder_beta;
  double decoder_alpha;
  double decoder_beta;
};
DeepNormConstants EncoderDecoderDeepNorm(int64_t encoder_layers, int64_t decoder_layers);

// Magneto's (Sub-LN's) initialization gains γ for an encoder-decoder with N encoder and M
// decoder layers, as torchscale: encoder γ = sqrt(ln(3M)·ln(2N)/3), decoder γ = sqrt(ln(3M)).
struct MagnetoGains {
  double encoder;
  double decoder;
};
MagnetoGains EncoderDecoderMagneto(int64_t encoder_layers, int64_t decoder_layers);

}  // namespace plugins

#endif  // INITIALIZERS_RESIDUAL_SCALES_H_
