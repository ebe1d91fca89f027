// The trainer's own training batches, for the bench: the train split of a dataset loaded as
// `train` loads it (core/train/experiment.cc: the data directory, translation direction and
// max_positions of a TrainConfig) and cut by the trainer's Batcher (its --max_tokens and
// --seed). The end-to-end run's padding comparison starts here, and so does the step
// benchmark's data mode (`--batches=data`: the first batches of the trainer's order).
//
//   ASSIGN_OR_RETURN(core::ParsedTrainConfig parsed,
//                    core::ParseTrainConfig({"--max_tokens=1000"}));
//   ASSIGN_OR_RETURN(TrainerData data, LoadTrainerData(parsed.config));
//   ASSIGN_OR_RETURN(std::vector<core::Batch> batches, FirstTrainerBatches(data, 16));
#ifndef TOOLS_BENCH_TRAINER_BATCHES_H_
#define TOOLS_BENCH_TRAINER_BATCHES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/data/batcher.h"
#include "core/data/parallel_dataset.h"
#include "core/train/train_config.h"

namespace tools::bench {

struct TrainerData {
  // The dataset directory (core::DatasetDirectory of the configuration).
  std::string dir;
  core::ParallelDataset train;
  // The trainer's batching of `train`: --max_tokens, --seed, shuffled.
  core::BatcherOptions batching;
  // The dataset's pad and BOS ids.
  core::BatchSpecialIds ids;
};

// The dataset loader's errors (a missing directory or file, a bad line).
absl::StatusOr<TrainerData> LoadTrainerData(const core::TrainConfig& config);

// The first `count` batches the trainer trains on: epoch 1 from its first batch, on into
// the next epochs when `count` is larger than one epoch.
absl::StatusOr<std::vector<core::Batch>> FirstTrainerBatches(const TrainerData& data,
                                                             int64_t count);

}  // namespace tools::bench

#endif  // TOOLS_BENCH_TRAINER_BATCHES_H_
