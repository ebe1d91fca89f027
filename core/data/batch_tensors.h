// A core::Batch (plain arrays) as int64 tensors on the model's device.
//
//   BatchTensors tensors = ToTensors(batch, device);
//   torch::Tensor logits = model->forward(tensors.source, tensors.decoder_input);
#ifndef CORE_DATA_BATCH_TENSORS_H_
#define CORE_DATA_BATCH_TENSORS_H_

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include "core/data/batcher.h"

namespace core {

struct BatchTensors {
  at::Tensor source;         // [B, S]
  at::Tensor decoder_input;  // [B, T]
  at::Tensor target;         // [B, T]
};

BatchTensors ToTensors(const Batch& batch, const c10::Device& device);

}  // namespace core

#endif  // CORE_DATA_BATCH_TENSORS_H_
