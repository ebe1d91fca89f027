#include "tools/bench/flops.h"

namespace tools::bench {

StepFlops CountStepFlops(const core::ModelOptions& model, const BatchShape& batch) {
  const double b = static_cast<double>(batch.sentences);
  const double s = static_cast<double>(batch.source_length);
  const double t = static_cast<double>(batch.target_length);
  const double d = static_cast<double>(model.embed_dim);
  const double f = static_cast<double>(model.ffn_dim);
  const double v = static_cast<double>(model.target_vocab_size);
  const double encoder_layer = 8 * b * s * d * d + 4 * b * s * s * d + 4 * b * s * d * f;
  const double decoder_layer = 8 * b * t * d * d + 4 * b * t * t * d + 4 * b * t * d * d +
                               4 * b * s * d * d + 4 * b * t * s * d + 4 * b * t * d * f;
  StepFlops flops;
  flops.forward = static_cast<double>(model.encoder_layers) * encoder_layer +
                  static_cast<double>(model.decoder_layers) * decoder_layer + 2 * b * t * d * v;
  flops.update = 3 * flops.forward;
  return flops;
}

}  // namespace tools::bench
