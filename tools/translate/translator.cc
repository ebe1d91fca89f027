#include "tools/translate/translator.h"

#include <map>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/data/dataset_layout.h"
#include "core/data/text_normalizer.h"
#include "core/train/checkpoint.h"
#include "core/train/experiment.h"
#include "core/train/intra_op_threads.h"
#include "core/util/status_macros.h"
#include "core/util/utf8.h"

namespace tools::translate {

absl::StatusOr<TranslationModel> LoadTranslationModel(const std::string& checkpoint,
                                                      const std::vector<std::string>& overrides) {
  absl::StatusOr<core::CheckpointState> state = core::ReadCheckpointState(checkpoint);
  if (!state.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        checkpoint, " is not a checkpoint written by train: ", state.status().message()));
  }
  core::UpgradeSavedConfig(state->config);
  // The overrides replace the run's values (the trainer's parser refuses a repeated flag).
  std::map<std::string, std::string> settings = state->config;
  for (const std::string& flag : overrides) {
    const size_t equals = flag.find('=');
    if (!absl::StartsWith(flag, "--") || equals == std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat("'", flag, "' is not --name=value"));
    }
    settings[flag.substr(2, equals - 2)] = flag.substr(equals + 1);
  }
  std::vector<std::string> args;
  for (const auto& [key, value] : settings) args.push_back(absl::StrCat("--", key, "=", value));
  ASSIGN_OR_RETURN(const core::ParsedTrainConfig parsed, core::ParseTrainConfig(args));

  TranslationModel result;
  result.config = parsed.config;
  ASSIGN_OR_RETURN(const c10::Device device, core::ParseDevice(result.config.device));
  core::SetIntraOpThreads(result.config.threads);
  ASSIGN_OR_RETURN(result.subwords,
                   core::SubwordModel::Load(core::JoinPath(core::DatasetDirectory(result.config),
                                                           core::kSubwordModelFileName)));
  core::ModelOptions options = result.config.model;
  options.source_vocab_size = options.target_vocab_size = result.subwords->vocab_size();
  options.pad_id = result.subwords->pad_id();
  RETURN_IF_ERROR(core::ValidateModelOptions(options));
  result.model = core::Transformer(options);
  RETURN_IF_ERROR(core::LoadCheckpointModel(checkpoint, *result.model));
  result.model->to(device);
  result.model->eval();
  result.decoding = core::EvaluationOptionsFor(result.config, device);
  return result;
}

absl::StatusOr<std::vector<std::string>> TranslateLines(TranslationModel& model,
                                                        const std::vector<std::string>& lines,
                                                        const std::string& where,
                                                        int64_t first_line) {
  const core::SubwordModel& subwords = *model.subwords;
  const int64_t max_positions = model.config.model.max_positions;
  std::vector<core::Example> examples;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string at = absl::StrCat(where, ":", first_line + static_cast<int64_t>(i));
    if (const size_t bad = core::FirstInvalidUtf8Byte(lines[i]); bad != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(at, ": invalid UTF-8 at byte ", bad + 1));
    }
    const std::string text = core::NormalizeTypography(lines[i]);
    if (text.empty()) continue;  // stays an empty line
    ASSIGN_OR_RETURN(const std::vector<int> ids, subwords.Encode(text));
    core::Example example;
    example.source.assign(ids.begin(), ids.end());
    example.source.push_back(subwords.eos_id());
    example.target = {subwords.eos_id()};
    example.line = static_cast<int64_t>(i);
    if (static_cast<int64_t>(example.source.size()) > max_positions) {
      return absl::InvalidArgumentError(
          absl::StrCat(at, ": ", example.source.size(), " tokens, more than the model's ",
                       "max_positions (", max_positions, "); split the line"));
    }
    examples.push_back(std::move(example));
  }
  std::vector<std::string> output(lines.size());
  if (examples.empty()) return output;  // only empty lines
  ASSIGN_OR_RETURN(std::vector<std::string> translated,
                   core::TranslateExamples(model.model, examples, subwords, model.decoding));
  for (size_t k = 0; k < examples.size(); ++k) {
    output[examples[k].line] = std::move(translated[k]);
  }
  return output;
}

}  // namespace tools::translate
