#include "core/train/trained_model.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/data/dataset_layout.h"
#include "core/train/experiment.h"
#include "core/train/intra_op_threads.h"
#include "core/util/status_macros.h"

namespace core {

absl::StatusOr<TrainedModel> LoadTrainedModel(const std::string& checkpoint,
                                              const std::vector<std::string>& overrides) {
  TrainedModel result;
  absl::StatusOr<CheckpointState> state = ReadCheckpointState(checkpoint);
  if (!state.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        checkpoint, " is not a checkpoint written by train: ", state.status().message()));
  }
  result.state = *std::move(state);
  UpgradeSavedConfig(result.state.config);
  // The overrides replace the run's values (the trainer's parser refuses a repeated flag).
  std::map<std::string, std::string> settings = result.state.config;
  for (const std::string& flag : overrides) {
    const size_t equals = flag.find('=');
    if (!absl::StartsWith(flag, "--") || equals == std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat("'", flag, "' is not --name=value"));
    }
    settings[flag.substr(2, equals - 2)] = flag.substr(equals + 1);
  }
  // Defaults need no flag (and an empty value, e.g. the default --data_dir, could not be one).
  std::map<std::string, std::string> defaults;
  for (const TrainFlagInfo& info : TrainFlagInfos()) defaults[info.name] = info.default_value;
  std::vector<std::string> args;
  for (const auto& [key, value] : settings) {
    const auto it = defaults.find(key);
    if (it == defaults.end() || it->second != value) {
      args.push_back(absl::StrCat("--", key, "=", value));
    }
  }
  ASSIGN_OR_RETURN(ParsedTrainConfig parsed, ParseTrainConfig(args));
  result.config = std::move(parsed.config);
  result.resolved = std::move(parsed.resolved);

  ASSIGN_OR_RETURN(result.device, ParseDevice(result.config.device));
  SetIntraOpThreads(result.config.threads);
  ASSIGN_OR_RETURN(result.subwords, SubwordModel::Load(JoinPath(DatasetDirectory(result.config),
                                                                kSubwordModelFileName)));
  ModelOptions options = result.config.model;
  options.source_vocab_size = options.target_vocab_size = result.subwords->vocab_size();
  options.pad_id = result.subwords->pad_id();
  RETURN_IF_ERROR(ValidateModelOptions(options));
  result.model = Transformer(options);
  result.model->to(result.device);
  RETURN_IF_ERROR(LoadCheckpointModel(checkpoint, *result.model, result.device));
  result.model->eval();
  return result;
}

}  // namespace core
