#include "core/train/experiment.h"

#include <ATen/ATen.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "core/data/batch_tensors.h"
#include "core/data/dataset_layout.h"
#include "core/data/translation_direction.h"
#include "core/train/checkpoint.h"
#include "core/util/sha256.h"
#include "core/util/status_macros.h"
#include "core/util/user_path.h"
#include "plugins/initializer.h"

namespace core {
namespace {

absl::StatusOr<std::unique_ptr<ParallelDataset>> LoadSplit(const std::string& dir,
                                                           const std::string& split,
                                                           TranslationDirection direction,
                                                           const TrainConfig& config) {
  ParallelDatasetOptions options;
  options.dir = dir;
  options.split = split;
  options.direction = direction;
  options.max_positions = static_cast<int>(config.model.max_positions);
  absl::StatusOr<ParallelDataset> dataset = ParallelDataset::Load(options);
  if (!dataset.ok()) return dataset.status();
  return std::make_unique<ParallelDataset>(*std::move(dataset));
}

}  // namespace

std::string DatasetDirectory(const TrainConfig& config) {
  return config.data_dir.empty() ? WorkspacePath("data/ding-de-en")
                                 : ResolveUserPath(config.data_dir);
}

EvaluationOptions EvaluationOptionsFor(const TrainConfig& config, const c10::Device& device) {
  EvaluationOptions options;
  options.device = device;
  options.max_tokens = config.max_tokens;
  options.label_smoothing = config.label_smoothing;
  options.generation.beam_size = config.beam_size;
  options.generation.length_penalty = config.lenpen;
  options.generation.max_len_a = config.max_len_a;
  options.generation.max_len_b = config.max_len_b;
  options.max_sentences = config.bleu_sentences;
  return options;
}

absl::StatusOr<Experiment> BuildExperiment(const TrainConfig& config, bool with_eval_splits) {
  Experiment experiment;
  absl::StatusOr<c10::Device> device = ParseDevice(config.device);
  if (!device.ok()) return device.status();
  experiment.device = *device;
  ASSIGN_OR_RETURN(experiment.precision, ParsePrecision(config.precision));
  RETURN_IF_ERROR(CheckPrecision(experiment.precision, experiment.device));

  const std::string data_dir = DatasetDirectory(config);
  if (!std::filesystem::exists(data_dir)) {
    return absl::NotFoundError(
        absl::StrCat("dataset ", data_dir,
                     " not found; build it with `bazel run //tools:prepare_data -- "
                     "--output_dir=",
                     data_dir, "` (tools/setup.sh builds the default one)"));
  }
  // A rebuilt dataset (other sentences, another SentencePiece model) has another manifest.
  absl::StatusOr<std::string> manifest_digest = Sha256OfFile(JoinPath(data_dir, kManifestFileName));
  if (manifest_digest.ok()) experiment.dataset_id = *std::move(manifest_digest);
  absl::StatusOr<TranslationDirection> direction = ParseTranslationDirection(config.direction);
  if (!direction.ok()) return absl::InvalidArgumentError(direction.status().message());
  for (auto [split, target] :
       {std::pair{"train", &experiment.train}, std::pair{"valid", &experiment.valid},
        std::pair{"test", &experiment.test}}) {
    if (std::string(split) != "train" && !with_eval_splits) continue;
    absl::StatusOr<std::unique_ptr<ParallelDataset>> dataset =
        LoadSplit(data_dir, split, *direction, config);
    if (!dataset.ok()) return dataset.status();
    *target = *std::move(dataset);
  }
  const SubwordModel& vocabulary = experiment.train->model();
  BatcherOptions batching;
  batching.max_tokens = config.max_tokens;
  batching.seed = static_cast<uint64_t>(config.seed);
  absl::StatusOr<Batcher> batcher = Batcher::Create(&experiment.train->examples(), batching,
                                                    {vocabulary.pad_id(), vocabulary.bos_id()});
  if (!batcher.ok()) return batcher.status();
  experiment.batcher = std::make_unique<Batcher>(*std::move(batcher));

  absl::StatusOr<ChosenPluginOptions> chosen = SplitPluginOptions(config);
  if (!chosen.ok()) return absl::InvalidArgumentError(chosen.status().message());
  experiment.initializer_options = chosen->initializer;
  experiment.optimizer_options = chosen->optimizer;
  experiment.schedule_options = chosen->schedule;

  // Seeding first makes a fresh model's weights a function of --seed.
  at::manual_seed(static_cast<uint64_t>(config.seed));
  experiment.model_options = config.model;
  experiment.model_options.source_vocab_size = vocabulary.vocab_size();
  experiment.model_options.target_vocab_size = vocabulary.vocab_size();
  experiment.model_options.pad_id = vocabulary.pad_id();
  if (absl::Status status = ValidateModelOptions(experiment.model_options); !status.ok()) {
    return absl::InvalidArgumentError(status.message());
  }
  experiment.model = Transformer(experiment.model_options);
  experiment.model->to(experiment.device);
  return experiment;
}

absl::Status InitializeModel(Experiment& experiment, const TrainConfig& config,
                             const std::string& output_dir) {
  auto initializer = plugins::Initializers().Create(config.init, experiment.initializer_options);
  if (!initializer.ok()) return absl::InvalidArgumentError(initializer.status().message());
  if (absl::Status status = (*initializer)->CheckModelOptions(experiment.model_options);
      !status.ok()) {
    return absl::InvalidArgumentError(status.message());
  }
  plugins::InitContext context;
  context.output_dir = output_dir;
  context.forward_sample_batch = [&experiment](SublayerObserver* observer) {
    // The first batch of the seed's order: the one training starts with.
    const BatchTensors batch = ToTensors(
        experiment.batcher->MakeBatch(experiment.batcher->PlanEpoch(1).front()), experiment.device);
    at::NoGradGuard no_grad;
    experiment.model->train();
    experiment.model->forward(batch.source, batch.decoder_input, observer);
    return absl::OkStatus();
  };
  return (*initializer)->Initialize(*experiment.model, context);
}

absl::Status RestoreModel(Experiment& experiment, const std::string& checkpoint) {
  absl::StatusOr<CheckpointState> saved = ReadCheckpointState(checkpoint);
  if (!saved.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--restore=", checkpoint, ": ", saved.status().message()));
  }
  if (!saved->dataset_id.empty() && saved->dataset_id != experiment.dataset_id) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--restore=", checkpoint, " was trained on another dataset (its manifest.json differs)"));
  }
  const absl::Status loaded =
      LoadCheckpointModel(checkpoint, *experiment.model, experiment.device);
  if (!loaded.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--restore=", checkpoint, ": ", loaded.message(),
        " (the model settings, e.g. --embed_dim or the residual arrangement, must be the "
        "checkpoint's)"));
  }
  return absl::OkStatus();
}

}  // namespace core
