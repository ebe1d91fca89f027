#include "core/distributed/distributed_env.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/util/status_macros.h"

namespace core {
namespace {

// Slurm jobs that share a node must not share a rendezvous port: derive it from the job id.
constexpr int kSlurmPortBase = 20000;
constexpr int kSlurmPortRange = 10000;

using GetEnv = std::function<const char*(const char*)>;

// The variable's value, or "" when unset.
std::string Value(const GetEnv& getenv, const char* name) {
  const char* value = getenv(name);
  return value == nullptr ? "" : value;
}

absl::Status ReadInt(const GetEnv& getenv, const char* name, int* out) {
  const std::string text = Value(getenv, name);
  if (!absl::SimpleAtoi(text, out)) {
    return absl::InvalidArgumentError(
        absl::StrCat("environment variable ", name, "=\"", text, "\" is not an integer"));
  }
  return absl::OkStatus();
}

}  // namespace

std::string FirstSlurmNode(absl::string_view nodelist) {
  const size_t end = nodelist.find_first_of(",[");
  if (end == absl::string_view::npos || nodelist[end] == ',') {
    return std::string(nodelist.substr(0, end));
  }
  // "prefix[07-09,12]...": the prefix and the first number of the bracket, zeros kept.
  const size_t number_end = nodelist.find_first_of("-,]", end + 1);
  return absl::StrCat(nodelist.substr(0, end), nodelist.substr(end + 1, number_end - end - 1));
}

absl::StatusOr<DistributedEnv> ReadDistributedEnv(const GetEnv& getenv) {
  DistributedEnv env;
  if (!Value(getenv, "DIST_TIMEOUT").empty()) {
    if (!absl::SimpleAtod(Value(getenv, "DIST_TIMEOUT"), &env.timeout_s) || env.timeout_s <= 0) {
      return absl::InvalidArgumentError(absl::StrCat("environment variable DIST_TIMEOUT=\"",
                                                     Value(getenv, "DIST_TIMEOUT"),
                                                     "\" is not a positive number of seconds"));
    }
  }
  const bool torchrun = !Value(getenv, "WORLD_SIZE").empty();
  // srun sets SLURM_STEP_NUM_TASKS for its step; a batch script without srun has only the
  // allocation's SLURM_NTASKS and runs one process.
  const bool slurm = !torchrun && !Value(getenv, "SLURM_STEP_NUM_TASKS").empty() &&
                     !Value(getenv, "SLURM_PROCID").empty();
  if (!torchrun && !slurm) return env;

  const char* rank_name = torchrun ? "RANK" : "SLURM_PROCID";
  const char* size_name = torchrun ? "WORLD_SIZE" : "SLURM_STEP_NUM_TASKS";
  const char* local_name = torchrun ? "LOCAL_RANK" : "SLURM_LOCALID";
  env.source = absl::StrCat(rank_name, "/", size_name);
  RETURN_IF_ERROR(ReadInt(getenv, size_name, &env.world_size));
  RETURN_IF_ERROR(ReadInt(getenv, rank_name, &env.rank));
  if (env.world_size < 1 || env.rank < 0 || env.rank >= env.world_size) {
    return absl::InvalidArgumentError(absl::StrCat("environment variables ", rank_name, "=",
                                                   env.rank, " and ", size_name, "=",
                                                   env.world_size, ": need 0 <= rank < size"));
  }
  if (!Value(getenv, local_name).empty()) {
    RETURN_IF_ERROR(ReadInt(getenv, local_name, &env.local_rank));
  }
  if (env.world_size == 1) return env;

  env.master_addr = Value(getenv, "MASTER_ADDR");
  if (env.master_addr.empty() && slurm) {
    std::string nodes = Value(getenv, "SLURM_STEP_NODELIST");
    if (nodes.empty()) nodes = Value(getenv, "SLURM_JOB_NODELIST");
    env.master_addr = FirstSlurmNode(nodes);
  }
  if (env.master_addr.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        env.source, " ask for ", env.world_size,
        " ranks but MASTER_ADDR is not set: set it to the host of rank 0 (and MASTER_PORT)"));
  }
  if (!Value(getenv, "MASTER_PORT").empty()) {
    RETURN_IF_ERROR(ReadInt(getenv, "MASTER_PORT", &env.master_port));
  } else if (slurm) {
    int job = 0;
    RETURN_IF_ERROR(ReadInt(getenv, "SLURM_JOB_ID", &job));
    env.master_port = kSlurmPortBase + job % kSlurmPortRange;
  }
  if (env.master_port < 1 || env.master_port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("environment variable MASTER_PORT=\"", Value(getenv, "MASTER_PORT"),
                     "\": set it to a free TCP port (1-65535) on the host of rank 0"));
  }
  return env;
}

}  // namespace core
