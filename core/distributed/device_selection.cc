#include "core/distributed/device_selection.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace core {
namespace {

std::string VisibleText(const GpuVisibility& gpus) {
  return absl::StrCat(gpus.count, " visible (CUDA_VISIBLE_DEVICES=",
                      gpus.cuda_visible_devices.empty() ? "unset" : gpus.cuda_visible_devices,
                      ")");
}

}  // namespace

absl::StatusOr<std::string> SelectDevice(const std::string& device, const DistributedEnv& env,
                                         const GpuVisibility& gpus) {
  if (device != "cuda" && !absl::StartsWith(device, "cuda:")) return device;
  if (!gpus.cuda_build) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--device=", device,
        ": this LibTorch has no CUDA; build against a CUDA LibTorch (docs/building.md) or use "
        "--device=cpu"));
  }
  if (gpus.count <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--device=", device, ": no GPU is visible to this process (",
                     VisibleText(gpus), "); use --device=cpu or a machine with a GPU"));
  }
  if (device != "cuda") {
    int index = -1;
    if (!absl::SimpleAtoi(absl::string_view(device).substr(5), &index) || index < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("--device=", device, " is not a device (cpu, cuda, cuda:N)"));
    }
    if (index >= gpus.count) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--device=", device, ": there is no such GPU, ", VisibleText(gpus),
          "; use cuda:0 to cuda:", gpus.count - 1, " or a bare --device=cuda"));
    }
    return device;
  }
  // One GPU visible: this process's own (one process, or srun --gpus-per-task=1).
  if (env.world_size == 1 || gpus.count == 1) return "cuda:0";
  if (env.local_rank >= gpus.count) {
    const char* local_name =
        absl::StartsWith(env.source, "SLURM") ? "SLURM_LOCALID" : "LOCAL_RANK";
    return absl::InvalidArgumentError(absl::StrCat(
        "--device=cuda: rank ", env.rank, " is local rank ", env.local_rank, " (", local_name,
        ") of its node but only GPUs 0 to ", gpus.count - 1, " are there, ", VisibleText(gpus),
        "; start at most ", gpus.count,
        " ranks per node, or give each task its own GPU (srun --gpus-per-task=1)"));
  }
  return absl::StrCat("cuda:", env.local_rank);
}

}  // namespace core
