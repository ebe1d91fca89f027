// Which device a process trains on, from --device, where the process sits among the ranks
// (RANK/LOCAL_RANK or srun's SLURM_PROCID/SLURM_LOCALID, core/distributed/distributed_env.h)
// and the GPUs it can see (CUDA_VISIBLE_DEVICES applied). Torch-free, so it is tested with
// made-up machines; the caller asks LibTorch what is visible.
//
//   --device=cuda, one process              -> cuda:0
//   --device=cuda, several ranks, 1 visible -> cuda:0   (srun --gpus-per-task=1: a GPU per task)
//   --device=cuda, several ranks, N visible -> cuda:<local rank>, which must be < N
//   --device=cuda:K                         -> cuda:K, K < visible count
//   --device=cpu (or anything else)         -> unchanged
//
//   ASSIGN_OR_RETURN(std::string device, SelectDevice(config.device, env, gpus));
#ifndef CORE_DISTRIBUTED_DEVICE_SELECTION_H_
#define CORE_DISTRIBUTED_DEVICE_SELECTION_H_

#include <string>

#include "absl/status/statusor.h"
#include "core/distributed/distributed_env.h"

namespace core {

// What this process can see of CUDA.
struct GpuVisibility {
  // The LibTorch was built with CUDA (a CUDA wheel or archive, not Debian's CPU one).
  bool cuda_build = false;
  // CUDA devices this process can use (after CUDA_VISIBLE_DEVICES).
  int count = 0;
  // CUDA_VISIBLE_DEVICES as set (for messages); "" when unset.
  std::string cuda_visible_devices;
};

// The device string this process trains on ("cpu", "cuda:K", ...). InvalidArgument naming
// --device (and the variables behind it) when CUDA is asked for but this LibTorch has none,
// no GPU is visible, or the index is not below the visible count.
absl::StatusOr<std::string> SelectDevice(const std::string& device, const DistributedEnv& env,
                                         const GpuVisibility& gpus);

}  // namespace core

#endif  // CORE_DISTRIBUTED_DEVICE_SELECTION_H_
