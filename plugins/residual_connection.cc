#include "plugins/residual_connection.h"

#include <ATen/ATen.h>

namespace plugins {

void ResidualConnection::AddLayerNorm(int64_t embed_dim) {
  layer_norm = register_module(
      "layer_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({embed_dim}).eps(1e-5)));
}

void ResidualConnection::AddTrainableScale(int64_t embed_dim) {
  shortcut_scale_ = register_parameter("omega", at::ones({embed_dim}));
}

void ResidualConnection::AddConstantScale(double alpha) {
  shortcut_scale_ = register_buffer("alpha", at::full({1}, alpha));
}

}  // namespace plugins
