// Sinusoidal position embeddings as in fairseq ("Attention Is All You Need").
//
// Position p >= 1 maps to [sin(p·w_0) .. sin(p·w_{h-1}), cos(p·w_0) .. cos(p·w_{h-1})]
// with h = dim/2 and w_k = 10000^(-k/(h-1)); position 0 marks padding and maps to zeros.
//
//   at::Tensor positions = PositionsOf(tokens, pad_id);        // [B, T], 1.. per row
//   at::Tensor table = SinusoidalEmbedding(positions, 512);    // [B, T, 512]
#ifndef CORE_MODEL_POSITIONAL_EMBEDDING_H_
#define CORE_MODEL_POSITIONAL_EMBEDDING_H_

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace core {

// 1, 2, ... over the real tokens of each row, 0 at padding, so padding anywhere in a row
// shifts no real token's position.
at::Tensor PositionsOf(const at::Tensor& tokens, int64_t pad_id);

// [..., dim] embeddings of integer `positions` (any shape), in `dtype` on their device.
at::Tensor SinusoidalEmbedding(const at::Tensor& positions, int64_t dim, at::ScalarType dtype);

}  // namespace core

#endif  // CORE_MODEL_POSITIONAL_EMBEDDING_H_
