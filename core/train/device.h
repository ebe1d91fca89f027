// --device as a LibTorch device: checked against what this LibTorch and this process can use
// (core/distributed/device_selection.h has the rules), so that a missing GPU is a clear error
// naming the flag, not a crash at the first tensor.
//
//   ASSIGN_OR_RETURN(c10::Device device, ParseDevice(config.device));
#ifndef CORE_TRAIN_DEVICE_H_
#define CORE_TRAIN_DEVICE_H_

#include <c10/core/Device.h>

#include <string>

#include "absl/status/statusor.h"
#include "core/distributed/device_selection.h"

namespace core {

// The CUDA devices this process sees: whether the LibTorch has CUDA, how many GPUs it finds,
// and CUDA_VISIBLE_DEVICES.
GpuVisibility VisibleGpus();

// "cpu", "cuda" (cuda:0) or "cuda:N" as a device of a single process; InvalidArgument naming
// --device for another name, for CUDA where this LibTorch has none or no GPU is visible, and
// for an index beyond the visible GPUs.
absl::StatusOr<c10::Device> ParseDevice(const std::string& name);

}  // namespace core

#endif  // CORE_TRAIN_DEVICE_H_
