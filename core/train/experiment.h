// The parts of a run before training: the prepared data, the model built for its
// vocabulary on the chosen device, and the chosen initializer applied. Shared by the
// trainer and the analysis tool, so both build exactly the same model from the same flags.
//
//   absl::StatusOr<Experiment> experiment = BuildExperiment(config, /*with_eval_splits=*/false);
//   absl::Status initialized = InitializeModel(*experiment, config, run_dir);
#ifndef CORE_TRAIN_EXPERIMENT_H_
#define CORE_TRAIN_EXPERIMENT_H_

#include <c10/core/Device.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/data/batcher.h"
#include "core/data/parallel_dataset.h"
#include "core/model/transformer.h"
#include "core/train/device.h"
#include "core/train/evaluation.h"
#include "core/train/precision.h"
#include "core/train/train_config.h"
#include "plugins/options.h"

namespace core {

struct Experiment {
  c10::Device device = c10::Device(c10::kCPU);
  // --precision, checked against the device.
  Precision precision = Precision::kFp32;
  std::unique_ptr<ParallelDataset> train;
  // Null unless asked for.
  std::unique_ptr<ParallelDataset> valid;
  std::unique_ptr<ParallelDataset> test;
  // The dataset's identity: the SHA-256 of its manifest.json ("" for a dataset without one).
  std::string dataset_id;
  // The training batches in the order of --seed.
  std::unique_ptr<Batcher> batcher;
  // The model options with the dataset's vocabulary.
  ModelOptions model_options;
  Transformer model{nullptr};
  // The user's plugin options split among the chosen initializer, optimizer and schedule.
  plugins::OptionMap initializer_options;
  plugins::OptionMap optimizer_options;
  plugins::OptionMap schedule_options;
};

// --data_dir resolved (relative: to where bazel run was called), or the workspace's default
// dataset.
std::string DatasetDirectory(const TrainConfig& config);

// Loss evaluation and decoding as the configuration sets them (--max_tokens, --beam_size,
// --lenpen, --max_len_a/b, --bleu_sentences) on `device`.
EvaluationOptions EvaluationOptionsFor(const TrainConfig& config, const c10::Device& device);

// Loads the data (errors say how to build a missing dataset), seeds LibTorch with --seed,
// and builds the model on --device (an error when the device is not available).
// InvalidArgument marks a configuration error.
absl::StatusOr<Experiment> BuildExperiment(const TrainConfig& config, bool with_eval_splits);

// Runs the chosen initializer on the model; it may run the model on the first training
// batch (Admin's profile) and write files into `output_dir`.
absl::Status InitializeModel(Experiment& experiment, const TrainConfig& config,
                             const std::string& output_dir);

// Sets the model's weights from `checkpoint` (--restore), which must come from a run on the same
// dataset with the same model settings; InvalidArgument otherwise, saying which.
absl::Status RestoreModel(Experiment& experiment, const std::string& checkpoint);

}  // namespace core

#endif  // CORE_TRAIN_EXPERIMENT_H_
