// Data-parallel training over c10d: the process group of a job's ranks and the few
// collectives the trainer needs. There is no C++ DistributedDataParallel module, so the
// trainer sums gradients itself (AllReduceGradients, in flat buckets) and divides by the
// global token count: the update equals one process's over the union of the ranks' batches.
//
// Join() rendezvouses through a c10d TCPStore at MASTER_ADDR:MASTER_PORT (served by rank 0)
// and builds a Gloo group on CPU, NCCL on CUDA when the LibTorch has it
// (core/distributed/c10d_backends.h). Every collective is bounded by DIST_TIMEOUT: a rank that dies
// or hangs makes the others' next collective fail with an error that says so, instead of waiting
// forever. A world of one (Single()) has no group and every collective returns its input.
//
//   absl::StatusOr<std::unique_ptr<Distributed>> dist = Distributed::Join(env, device);
//   (*dist)->Broadcast(model->parameters());       // rank 0's initial weights everywhere
//   loss.backward();
//   (*dist)->AllReduceGradients(parameters);        // sum over ranks
//   absl::StatusOr<std::vector<double>> sums = (*dist)->Sum({loss_sum, tokens}, "losses");
#ifndef CORE_DISTRIBUTED_DISTRIBUTED_H_
#define CORE_DISTRIBUTED_DISTRIBUTED_H_

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/distributed/distributed_env.h"

namespace core {

class CollectiveGroup;

class Distributed {
 public:
  // A world of one: no process group, every collective is the identity.
  static std::unique_ptr<Distributed> Single();
  // Joins the group `env` describes (Single() when env.world_size is 1). A CUDA `device`
  // (this rank's, core/distributed/device_selection.h) picks NCCL on it when the build has
  // NCCL, else Gloo through host copies; the log says which. Unavailable when the rendezvous
  // fails or times out.
  static absl::StatusOr<std::unique_ptr<Distributed>> Join(const DistributedEnv& env,
                                                           const c10::Device& device);
  ~Distributed();

  int rank() const { return env_.rank; }
  int world_size() const { return env_.world_size; }
  // Rank 0: the one that writes the run directory.
  bool is_main() const { return env_.rank == 0; }
  // "gloo", "nccl" or "none".
  const std::string& backend() const { return backend_; }

  // Sums every parameter's gradient over the ranks, in buckets of at most ~25 MB. A rank
  // without a gradient for a parameter (no batch in an epoch's short last update)
  // contributes zeros, and gets the sum.
  absl::Status AllReduceGradients(const std::vector<at::Tensor>& parameters);
  // Sets every tensor (parameters, buffers) to rank 0's values.
  absl::Status Broadcast(const std::vector<at::Tensor>& tensors);
  // Element-wise sum / maximum over the ranks; `what` names them in errors.
  absl::StatusOr<std::vector<double>> Sum(std::vector<double> values, const char* what);
  absl::StatusOr<std::vector<int64_t>> Max(std::vector<int64_t> values, const char* what);
  // FailedPrecondition naming `what` when the ranks' values differ (e.g. a config hash).
  absl::Status CheckSame(const std::string& what, int64_t value);

 private:
  Distributed(DistributedEnv env, std::string backend, std::unique_ptr<CollectiveGroup> group);
  // Runs a collective; its exception becomes an error naming `what` and the likely cause.
  absl::Status Collective(const std::string& what, const std::function<void()>& run);
  // Sums (or broadcasts from rank 0) `tensors` in place, packed into flat buckets.
  absl::Status Bucketed(const std::vector<at::Tensor>& tensors, const char* what, bool broadcast);

  DistributedEnv env_;
  std::string backend_;
  // Null in a world of one.
  std::unique_ptr<CollectiveGroup> group_;
};

}  // namespace core

#endif  // CORE_DISTRIBUTED_DISTRIBUTED_H_
