#include "core/distributed/distributed.h"

#include <ATen/ATen.h>
#include <glog/logging.h>

#include <chrono>
#include <cstdlib>
#include <exception>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/distributed/c10d_backends.h"
#include "core/util/status_macros.h"

namespace core {

// A process group behind one interface: c10d's base class differs between LibTorch 1.13
// (ProcessGroup) and 2.x (Backend), and each backend is its own type. The calls throw
// c10::Error (or std::exception) on failure or timeout.
class CollectiveGroup {
 public:
  virtual ~CollectiveGroup() = default;
  // In place on every rank.
  virtual void AllReduce(at::Tensor& tensor, c10d::ReduceOp op) = 0;
  virtual void BroadcastFromMain(at::Tensor& tensor) = 0;
  // Where the tensors of a collective must live (NCCL: the rank's GPU).
  virtual at::Device device() const = 0;
};

namespace {

// Buckets bound the extra memory of the flat copies; 25 MB as DistributedDataParallel.
constexpr int64_t kBucketBytes = 25 << 20;

template <typename ProcessGroup>
class ProcessGroupCollectives : public CollectiveGroup {
 public:
  ProcessGroupCollectives(c10::intrusive_ptr<c10d::Store> store,
                          c10::intrusive_ptr<ProcessGroup> group, at::Device device)
      : store_(std::move(store)), group_(std::move(group)), device_(device) {}

  void AllReduce(at::Tensor& tensor, c10d::ReduceOp op) override {
    std::vector<at::Tensor> tensors = {tensor};
    c10d::AllreduceOptions options;
    options.reduceOp = op;
    group_->allreduce(tensors, options)->wait();
  }
  void BroadcastFromMain(at::Tensor& tensor) override {
    std::vector<at::Tensor> tensors = {tensor};
    group_->broadcast(tensors, c10d::BroadcastOptions())->wait();
  }
  at::Device device() const override { return device_; }

 private:
  // The group keeps using the store (e.g. NCCL's unique ids): it lives as long.
  c10::intrusive_ptr<c10d::Store> store_;
  c10::intrusive_ptr<ProcessGroup> group_;
  at::Device device_;
};

std::string ErrorText(const std::exception& error) {
  if (const auto* c10_error = dynamic_cast<const c10::Error*>(&error)) {
    return c10_error->what_without_backtrace();
  }
  return error.what();
}

#if TRAINER_HAS_GLOO
std::unique_ptr<CollectiveGroup> MakeGloo(c10::intrusive_ptr<c10d::Store> store,
                                          const DistributedEnv& env,
                                          std::chrono::milliseconds timeout) {
  auto options = c10d::ProcessGroupGloo::Options::create(timeout);
  // As torch.distributed: GLOO_SOCKET_IFNAME picks the network interface on multi-homed nodes.
  const char* interface = std::getenv("GLOO_SOCKET_IFNAME");
  options->devices.push_back(interface != nullptr && *interface != '\0'
                                 ? c10d::ProcessGroupGloo::createDeviceForInterface(interface)
                                 : c10d::ProcessGroupGloo::createDefaultDevice());
  auto group =
      c10::make_intrusive<c10d::ProcessGroupGloo>(store, env.rank, env.world_size, options);
  return std::make_unique<ProcessGroupCollectives<c10d::ProcessGroupGloo>>(
      std::move(store), std::move(group), at::Device(at::kCPU));
}
#endif

#if TRAINER_HAS_NCCL
std::unique_ptr<CollectiveGroup> MakeNccl(c10::intrusive_ptr<c10d::Store> store,
                                          const DistributedEnv& env, const c10::Device& device,
                                          std::chrono::milliseconds timeout) {
  // A blocking wait makes a collective that outlives the timeout throw, as Gloo's does.
  setenv("NCCL_BLOCKING_WAIT", "1", /*overwrite=*/0);
  setenv("TORCH_NCCL_BLOCKING_WAIT", "1", /*overwrite=*/0);
  auto options = c10d::ProcessGroupNCCL::Options::create();
  options->timeout = timeout;
  auto group =
      c10::make_intrusive<c10d::ProcessGroupNCCL>(store, env.rank, env.world_size, options);
  return std::make_unique<ProcessGroupCollectives<c10d::ProcessGroupNCCL>>(
      std::move(store), std::move(group), device);
}
#endif

}  // namespace

Distributed::Distributed(DistributedEnv env, std::string backend,
                         std::unique_ptr<CollectiveGroup> group)
    : env_(std::move(env)), backend_(std::move(backend)), group_(std::move(group)) {}

Distributed::~Distributed() = default;

std::unique_ptr<Distributed> Distributed::Single() {
  return std::unique_ptr<Distributed>(new Distributed(DistributedEnv(), "none", nullptr));
}

absl::StatusOr<std::unique_ptr<Distributed>> Distributed::Join(const DistributedEnv& env,
                                                               const c10::Device& device) {
  if (env.world_size == 1) return Single();
  const std::string who = absl::StrCat("rank ", env.rank, " of ", env.world_size);
  const auto timeout = std::chrono::milliseconds(static_cast<int64_t>(env.timeout_s * 1000));
  const bool cuda = device.is_cuda();
  const std::string backend = cuda && TRAINER_HAS_NCCL ? "nccl" : "gloo";
  if (cuda && backend == "gloo") {
    LOG(WARNING) << who << ": --device=" << device.str()
                 << " but this build has no NCCL (built without the CUDA wheel's nvidia/nccl "
                    "headers, docs/building.md): gradients go through Gloo on host copies";
  }
  if (backend == "gloo" && !TRAINER_HAS_GLOO) {
    return absl::FailedPreconditionError(absl::StrCat(
        who, ": this build has no Gloo (c10d's CPU backend; Debian: libgloo-dev) and ",
        cuda ? "no NCCL" : "--device is not cuda", ": data-parallel training needs one"));
  }
  // The store's server waits for every rank, and the group then exchanges addresses through
  // it: a rank missing at either step shows here.
  auto rendezvous_error = [&](const std::exception& error) {
    return absl::UnavailableError(absl::StrFormat(
        "%s (%s): rendezvous at MASTER_ADDR=%s MASTER_PORT=%d failed within DIST_TIMEOUT=%g s: "
        "%s. Are all %d ranks started, with the same MASTER_ADDR and MASTER_PORT, and is the "
        "port free on rank 0's host?",
        who, env.source, env.master_addr, env.master_port, env.timeout_s, ErrorText(error),
        env.world_size));
  };
  c10::intrusive_ptr<c10d::Store> store;
  std::unique_ptr<CollectiveGroup> group;
  try {
    c10d::TCPStoreOptions options;
    options.port = static_cast<uint16_t>(env.master_port);
    options.isServer = env.rank == 0;
    options.numWorkers = env.world_size;
    options.waitWorkers = true;
    options.timeout = timeout;
    store = c10::make_intrusive<c10d::TCPStore>(env.master_addr, options);
#if TRAINER_HAS_NCCL
    if (backend == "nccl") group = MakeNccl(store, env, device, timeout);
#endif
#if TRAINER_HAS_GLOO
    if (backend == "gloo") group = MakeGloo(store, env, timeout);
#endif
  } catch (const std::exception& error) {
    return rendezvous_error(error);
  }
  LOG(INFO) << who << ": joined a " << backend << " process group through " << env.master_addr
            << ":" << env.master_port << " (" << env.source << "), device " << device.str();
  return std::unique_ptr<Distributed>(new Distributed(env, backend, std::move(group)));
}

absl::Status Distributed::Collective(const std::string& what, const std::function<void()>& run) {
  try {
    run();
    return absl::OkStatus();
  } catch (const std::exception& error) {
    return absl::UnavailableError(absl::StrFormat(
        "rank %d of %d: %s failed: %s. Another rank stopped or died (see its log), or this "
        "collective waited longer than DIST_TIMEOUT=%g s",
        env_.rank, env_.world_size, what, ErrorText(error), env_.timeout_s));
  }
}

absl::Status Distributed::Bucketed(const std::vector<at::Tensor>& tensors, const char* what,
                                   bool broadcast) {
  at::NoGradGuard no_grad;
  size_t begin = 0;
  while (begin < tensors.size()) {
    // A bucket: consecutive tensors of one dtype and device, up to kBucketBytes.
    size_t end = begin;
    int64_t bytes = 0;
    std::vector<at::Tensor> flat;
    while (end < tensors.size() && tensors[end].scalar_type() == tensors[begin].scalar_type() &&
           tensors[end].device() == tensors[begin].device() &&
           (flat.empty() || bytes + tensors[end].nbytes() <= kBucketBytes)) {
      bytes += static_cast<int64_t>(tensors[end].nbytes());
      flat.push_back(tensors[end].reshape(-1));
      ++end;
    }
    at::Tensor bucket = at::cat(flat).to(group_->device());
    if (absl::Status status = Collective(what,
                                         [&] {
                                           if (broadcast) {
                                             group_->BroadcastFromMain(bucket);
                                           } else {
                                             group_->AllReduce(bucket, c10d::ReduceOp::SUM);
                                           }
                                         });
        !status.ok()) {
      return status;
    }
    int64_t offset = 0;
    for (size_t i = begin; i < end; ++i) {
      const int64_t n = tensors[i].numel();
      tensors[i].copy_(bucket.narrow(0, offset, n).view_as(tensors[i]));
      offset += n;
    }
    begin = end;
  }
  return absl::OkStatus();
}

absl::Status Distributed::AllReduceGradients(const std::vector<at::Tensor>& parameters) {
  if (!group_) return absl::OkStatus();
  std::vector<at::Tensor> gradients;
  for (const at::Tensor& parameter : parameters) {
    at::Tensor& gradient = const_cast<at::Tensor&>(parameter).mutable_grad();
    if (!gradient.defined()) gradient = at::zeros_like(parameter);
    gradients.push_back(gradient);
  }
  return Bucketed(gradients, "the all-reduce of the gradients", /*broadcast=*/false);
}

absl::Status Distributed::Broadcast(const std::vector<at::Tensor>& tensors) {
  if (!group_) return absl::OkStatus();
  return Bucketed(tensors, "the broadcast of rank 0's weights", /*broadcast=*/true);
}

absl::StatusOr<std::vector<double>> Distributed::Sum(std::vector<double> values, const char* what) {
  if (!group_) return values;
  at::Tensor tensor = at::tensor(values, at::kDouble).to(group_->device());
  if (absl::Status status = Collective(absl::StrCat("the sum of ", what),
                                       [&] { group_->AllReduce(tensor, c10d::ReduceOp::SUM); });
      !status.ok()) {
    return status;
  }
  tensor = tensor.cpu();
  return std::vector<double>(tensor.data_ptr<double>(), tensor.data_ptr<double>() + tensor.numel());
}

absl::StatusOr<std::vector<int64_t>> Distributed::Max(std::vector<int64_t> values,
                                                      const char* what) {
  if (!group_) return values;
  at::Tensor tensor = at::tensor(values, at::kLong).to(group_->device());
  if (absl::Status status = Collective(absl::StrCat("the maximum of ", what),
                                       [&] { group_->AllReduce(tensor, c10d::ReduceOp::MAX); });
      !status.ok()) {
    return status;
  }
  tensor = tensor.cpu();
  return std::vector<int64_t>(tensor.data_ptr<int64_t>(),
                              tensor.data_ptr<int64_t>() + tensor.numel());
}

absl::Status Distributed::CheckSame(const std::string& what, int64_t value) {
  // One maximum of (v, -v) gives the largest and the smallest value.
  ASSIGN_OR_RETURN(std::vector<int64_t> range, Max({value, -value}, what.c_str()));
  if (range[0] == -range[1]) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("rank ", env_.rank, " of ", env_.world_size, ": the ranks disagree on ", what,
                   " (this rank: ", value, "; all ranks: ", -range[1], " to ", range[0], ")"));
}

}  // namespace core
