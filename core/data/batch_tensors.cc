#include "core/data/batch_tensors.h"

#include <ATen/ATen.h>

namespace core {
namespace {

at::Tensor Matrix(const std::vector<int32_t>& values, int64_t rows, int64_t columns,
                  const c10::Device& device) {
  // from_blob does not copy: .to() makes the owned int64 tensor before `values` goes away.
  return at::from_blob(const_cast<int32_t*>(values.data()), {rows, columns}, at::kInt)
      .to(device, at::kLong);
}

}  // namespace

BatchTensors ToTensors(const Batch& batch, const c10::Device& device) {
  return {Matrix(batch.source, batch.size, batch.source_width, device),
          Matrix(batch.decoder_input, batch.size, batch.target_width, device),
          Matrix(batch.target, batch.size, batch.target_width, device)};
}

}  // namespace core
