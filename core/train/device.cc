#include "core/train/device.h"

#include <ATen/Context.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "core/util/status_macros.h"

namespace core {

GpuVisibility VisibleGpus() {
  GpuVisibility gpus;
#ifdef TRAINER_LIBTORCH_CUDA
  gpus.cuda_build = true;
#endif
  // hasCUDA() is false on a CUDA build without a usable GPU; then there are none to count.
  gpus.count = at::hasCUDA() ? static_cast<int>(at::getNumGPUs()) : 0;
  if (const char* visible = std::getenv("CUDA_VISIBLE_DEVICES")) {
    gpus.cuda_visible_devices = visible;
  }
  return gpus;
}

absl::StatusOr<c10::Device> ParseDevice(const std::string& name) {
  ASSIGN_OR_RETURN(const std::string selected, SelectDevice(name, DistributedEnv(), VisibleGpus()));
  try {
    return c10::Device(selected);
  } catch (const c10::Error&) {
    return absl::InvalidArgumentError(
        absl::StrCat("--device=", name, " is not a device (cpu, cuda, cuda:N)"));
  }
}

}  // namespace core
