#include "core/model/feed_forward.h"

#include <ATen/ATen.h>

#include "core/model/fast_dropout.h"

namespace core {

FeedForwardImpl::FeedForwardImpl(int64_t embed_dim, int64_t ffn_dim, double activation_dropout)
    : activation_dropout_(activation_dropout) {
  fc1 = register_module("fc1", torch::nn::Linear(embed_dim, ffn_dim));
  fc2 = register_module("fc2", torch::nn::Linear(ffn_dim, embed_dim));
}

torch::Tensor FeedForwardImpl::forward(
    const torch::Tensor& x, const std::function<torch::Tensor(const torch::Tensor&)>& before_output) {
  const torch::Tensor hidden = Dropout(at::relu(fc1(x)), activation_dropout_, is_training());
  return fc2(before_output ? before_output(hidden) : hidden);
}

}  // namespace core
