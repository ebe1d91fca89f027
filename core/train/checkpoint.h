// Checkpoints: everything a run needs to continue exactly where it stopped.
//
// One file holds the model (every parameter and buffer, Admin ω included), the optimizer's
// state, the update counter, the data position, the divergence detector, every random
// generator's state, the best validation loss and the resolved configuration. It is written
// to a temporary name and renamed, so a crash never leaves a half-written checkpoint_last.
//
// A load maps every tensor onto a target device, the model's (as torch.load's map_location):
// a GPU run resumes with another --device or on another rank's GPU, and a CPU reads a GPU
// run's weights. Random generator states are restored from CPU byte tensors, for the devices
// this process has; the others are reported, not fatal (a run saved with 2 visible GPUs
// resumes with 1).
//
//   CheckpointState state;
//   state.updates = 1200;
//   absl::Status saved = SaveCheckpoint(run.File("checkpoint_last.pt"), *model, *optimizer, state);
//   absl::StatusOr<CheckpointState> loaded = LoadCheckpoint(path, *model, *optimizer, device);
#ifndef CORE_TRAIN_CHECKPOINT_H_
#define CORE_TRAIN_CHECKPOINT_H_

#include <c10/core/Device.h>
#include <torch/optim/optimizer.h>
#include <torch/serialize/input-archive.h>

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/data/batcher.h"
#include "core/model/transformer.h"
#include "core/train/training_log.h"

namespace core {

// The non-tensor part of a checkpoint.
struct CheckpointState {
  // Updates completed.
  int64_t updates = 0;
  // The next batch to train on.
  DataPosition data_position;
  // Seconds of training so far, over every session of the run.
  double train_time = 0;
  double best_valid_loss = std::numeric_limits<double>::infinity();
  // The divergence detector's averages and count.
  double fast_loss = 0;
  double slow_loss = 0;
  double initial_loss = 0;
  int64_t observed_updates = 0;
  // Validations in a row without a new best validation loss (--patience).
  int64_t stale_validations = 0;
  // (validation loss, update) of the checkpoints --keep_best_checkpoints keeps, best first.
  std::vector<std::pair<double, int64_t>> best_kept;
  LogInterval log_interval;
  // The dataset's identity (Experiment::dataset_id); "" in checkpoints written before it.
  std::string dataset_id;
  // The resolved configuration (key -> value).
  std::map<std::string, std::string> config;
  // --precision=fp16's loss scale and its count of good updates (core/train/loss_scaler.h);
  // 0 in checkpoints written before it was recorded.
  double loss_scale = 0;
  int64_t loss_scale_growth_tracker = 0;
  // The LibTorch that wrote it ("1.13.0"); "" in checkpoints written before it was recorded.
  std::string libtorch_version;
  // Filled by LoadCheckpoint: the random generators not restored, each with why (saved for a
  // device this process lacks, or a device here that the checkpoint has no state for).
  std::vector<std::string> skipped_generators;
};

// Which saved generator states (keys "rng/cpu", "rng/cuda:0", ...) a load restores: those of
// the devices this process has (`here`); `skipped` says what is left out and why. Exposed for
// tests: a CPU cannot make a checkpoint with CUDA generators.
struct GeneratorRestorePlan {
  std::vector<std::string> restore;
  std::vector<std::string> skipped;
};
GeneratorRestorePlan PlanGeneratorRestore(const std::vector<std::string>& saved,
                                          const std::vector<std::string>& here);

// OK unless the optimizer state of a checkpoint written by LibTorch `saved_version` ("" when
// unrecorded: 1.x) cannot be read back by `running_version`: LibTorch 2.x parses 1.x's state
// keys as 0 and would silently drop the state, so a major version change is
// FailedPrecondition naming `path` and the way out (--restore starts from the weights).
absl::Status CheckOptimizerStateReadable(const std::string& path,
                                         const std::string& saved_version,
                                         const std::string& running_version);

// The version of the LibTorch this program is built with ("1.13.0").
std::string LibTorchVersion();

// Writes `path` atomically (temporary file, then rename). Random generator states are read
// from the process (CPU, and each CUDA device when present).
absl::Status SaveCheckpoint(const std::string& path, torch::nn::Module& model,
                            torch::optim::Optimizer& optimizer, const CheckpointState& state);

// Restores `model`, `optimizer` (state by position; its options come from the config) and the
// random generators from `path`, every tensor onto `device`, where `model` must already be. A
// missing, truncated or corrupt file is an error naming it; tensors of other shapes than
// `model`'s are InvalidArgument naming the first; a `device` this process cannot use, or a
// model elsewhere, is InvalidArgument (naming --device); see CheckOptimizerStateReadable.
absl::StatusOr<CheckpointState> LoadCheckpoint(const std::string& path, torch::nn::Module& model,
                                               torch::optim::Optimizer& optimizer,
                                               const c10::Device& device);

// Only the state (e.g. the config, to check a resume before building anything).
absl::StatusOr<CheckpointState> ReadCheckpointState(const std::string& path);

// The checkpoint's content (keys "model", "optimizer", the state and the generators), its
// checksum verified, every tensor on the CPU: for tools that read a checkpoint's parts
// themselves.
absl::Status OpenCheckpoint(const std::string& path, torch::serialize::InputArchive& content);

// Only the model's parameters and buffers (e.g. the best checkpoint, for the final BLEU), onto
// `device`, where `model` must already be; errors as LoadCheckpoint's.
absl::Status LoadCheckpointModel(const std::string& path, torch::nn::Module& model,
                                 const c10::Device& device);

}  // namespace core

#endif  // CORE_TRAIN_CHECKPOINT_H_
