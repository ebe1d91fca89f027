#include "core/model/positional_embedding.h"

#include <ATen/ATen.h>

#include <cmath>

namespace core {

at::Tensor PositionsOf(const at::Tensor& tokens, int64_t pad_id) {
  const at::Tensor real = tokens.ne(pad_id).to(at::kLong);
  return at::cumsum(real, /*dim=*/-1) * real;
}

at::Tensor SinusoidalEmbedding(const at::Tensor& positions, int64_t dim, at::ScalarType dtype) {
  const int64_t half = dim / 2;
  const double step = std::log(10000.0) / static_cast<double>(std::max<int64_t>(half - 1, 1));
  const at::Tensor frequencies =
      at::exp(at::arange(half, positions.options().dtype(at::kFloat)) * -step);
  const at::Tensor angles = positions.to(at::kFloat).unsqueeze(-1) * frequencies;
  const at::Tensor embedding = at::cat({at::sin(angles), at::cos(angles)}, /*dim=*/-1);
  return embedding.masked_fill(positions.eq(0).unsqueeze(-1), 0.0).to(dtype);
}

}  // namespace core
