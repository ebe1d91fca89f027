// Where this process sits in a data-parallel job, read from the environment a launcher
// sets: torchrun-style variables, or Slurm's when the job runs under `srun`.
//
//   RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT [, LOCAL_RANK]     (torchrun, by hand)
//   SLURM_PROCID, SLURM_STEP_NUM_TASKS, SLURM_LOCALID, SLURM_STEP_NODELIST, SLURM_JOB_ID
//                (srun; master: the step's first node, port 20000 + job id % 10000)
//   DIST_TIMEOUT                 seconds a rendezvous or collective may wait (default 1800)
//
// The torchrun variables win over Slurm's; MASTER_ADDR and MASTER_PORT override the Slurm
// defaults. Neither set, or a world of one: a single process. Torch-free, so it is tested
// without LibTorch.
//
//   absl::StatusOr<DistributedEnv> env = ReadDistributedEnv(std::getenv);
//   if (env->world_size > 1) ...  // join the process group at env->master_addr
#ifndef CORE_DISTRIBUTED_DISTRIBUTED_ENV_H_
#define CORE_DISTRIBUTED_DISTRIBUTED_ENV_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace core {

struct DistributedEnv {
  int rank = 0;
  int world_size = 1;
  // This process's index among the ranks on its node (which GPU it takes).
  int local_rank = 0;
  std::string master_addr;
  int master_port = 0;
  // Bounds rendezvous and every collective: a dead or stuck rank is an error after this.
  double timeout_s = 1800;
  // Which variables said so ("RANK/WORLD_SIZE" or "SLURM_PROCID/SLURM_NTASKS"), for messages.
  std::string source;
};

// Reads the variables through `getenv` (std::getenv, or a map in tests). InvalidArgument
// names the variable at fault (not a number, rank out of range, no master address).
absl::StatusOr<DistributedEnv> ReadDistributedEnv(
    const std::function<const char*(const char*)>& getenv);

// The first host of a Slurm node list: "gpu[07-09,12],cpu1" -> "gpu07".
std::string FirstSlurmNode(absl::string_view nodelist);

}  // namespace core

#endif  // CORE_DISTRIBUTED_DISTRIBUTED_ENV_H_
