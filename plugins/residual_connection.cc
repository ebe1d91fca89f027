#include "plugins/residual_connection.h"

#include <ATen/ATen.h>

namespace plugins {

void ResidualConnection::AddLayerNorm(int64_t embed_dim) {
  layer_norm = AddLayerNorm("layer_norm", embed_dim);
}

torch::nn::LayerNorm ResidualConnection::AddLayerNorm(const std::string& name, int64_t dim) {
  return register_module(name, NewLayerNorm(dim));
}

torch::nn::LayerNorm NewLayerNorm(int64_t dim) {
  return torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim}).eps(1e-5));
}

void ResidualConnection::AddTrainableScale(int64_t width) {
  shortcut_scale_ = register_parameter("omega", at::ones({width}));
}

void ResidualConnection::AddConstantScale(double alpha) {
  shortcut_scale_ = register_buffer("alpha", at::full({1}, alpha));
}

}  // namespace plugins
