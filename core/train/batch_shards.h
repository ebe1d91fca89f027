// Forward and backward of one batch on several CPU threads at once (--batch_threads).
//
// One training process runs one intra-op thread: everything between the matrix products runs
// on one core, and OpenBLAS's second thread mostly waits (docs/PERFORMANCE.md). Here the batch
// is split into `threads` shards of about equal target tokens; each thread runs forward, loss
// and backward of its shard with one-threaded kernels (torch::autograd::grad, so nothing is
// accumulated concurrently), and the shards' gradients are added to the parameters' .grad in
// shard order. The update is that of the whole batch: the loss is a sum over tokens, and the
// caller divides by the batch's tokens as before. Results depend on the shard count (the sums
// are split differently), never on thread timing: each shard's dropout masks come from its own
// key stream (core/model/fast_dropout.h), seeded by one draw of the default generator per
// batch, so a resumed run replays them.
//
//   ShardOptions options;
//   options.threads = 2;
//   BatchLoss loss = ForwardBackward(*model, batch, parameters, options, precision, device, scaler);
#ifndef CORE_TRAIN_BATCH_SHARDS_H_
#define CORE_TRAIN_BATCH_SHARDS_H_

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "core/data/batch_tensors.h"
#include "core/train/loss_scaler.h"
#include "core/train/precision.h"

namespace core {

class TransformerImpl;

struct ShardOptions {
  // Shards of every batch, one thread each; 1 runs the batch on the calling thread.
  int64_t threads = 1;
  // ε of the label-smoothed loss.
  double label_smoothing = 0.1;
  // Padding id of the target vocabulary.
  int64_t pad_id = 1;
};

// Sums over a batch's real target tokens.
struct BatchLoss {
  double loss_sum = 0;
  double nll_sum = 0;
  int64_t tokens = 0;
};

// Rows [begin, end) of a batch: contiguous row ranges of about equal target tokens, at most
// `shards` of them and none empty.
std::vector<std::pair<int64_t, int64_t>> ShardRows(const at::Tensor& target, int64_t pad_id,
                                                   int64_t shards);

// The rows [begin, end) of a batch, without the columns that are padding in all of them.
BatchTensors SliceBatch(const BatchTensors& batch, int64_t begin, int64_t end, int64_t pad_id);

// Whether the model may run forward passes on several threads: its residual arrangements keep
// no state along a stack (B2T and ResiDual do, in the module).
bool RunsConcurrently(const TransformerImpl& model);

// The shard count of --batch_threads=`requested` with --threads=`threads` and `precision`, on
// `device` with `cores` CPU cores, for a model that RunsConcurrently() or not. 0 asks for one
// per core on a CPU when --threads is 0 and the precision fp32, else 1; InvalidArgument, naming
// the flags, for a count that cannot run: more than one on a GPU, with a stateful arrangement,
// with --threads > 1, or with mixed precision (bf16 forward passes on two threads at once
// crashed LibTorch 1.13 here, in its autocast or oneDNN kernels: std::bad_alloc within 50
// updates of a d = 64 run).
absl::StatusOr<int64_t> ResolveBatchThreads(int64_t requested, int64_t threads,
                                            Precision precision, const c10::Device& device,
                                            int64_t cores, bool runs_concurrently);

// Adds the batch's gradients of Σ loss (scaled by `scaler`) to `parameters`' .grad and returns
// its sums. Forward and loss run under `precision`'s autocast. More than one thread needs a
// CPU `device`, fp32 and RunsConcurrently(model) (ResolveBatchThreads' rules).
BatchLoss ForwardBackward(TransformerImpl& model, const BatchTensors& batch,
                          const std::vector<at::Tensor>& parameters, const ShardOptions& options,
                          Precision precision, const c10::Device& device,
                          const LossScaler& scaler);

}  // namespace core

#endif  // CORE_TRAIN_BATCH_SHARDS_H_
