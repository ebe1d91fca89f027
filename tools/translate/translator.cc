#include "tools/translate/translator.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "core/data/text_normalizer.h"
#include "core/train/experiment.h"
#include "core/train/trained_model.h"
#include "core/util/status_macros.h"
#include "core/util/utf8.h"

namespace tools::translate {

absl::StatusOr<TranslationModel> LoadTranslationModel(const std::string& checkpoint,
                                                      const std::vector<std::string>& overrides) {
  ASSIGN_OR_RETURN(core::TrainedModel trained, core::LoadTrainedModel(checkpoint, overrides));
  TranslationModel result;
  result.decoding = core::EvaluationOptionsFor(trained.config, trained.device);
  result.config = std::move(trained.config);
  result.subwords = std::move(trained.subwords);
  result.model = trained.model;
  return result;
}

absl::StatusOr<std::vector<std::vector<core::ScoredTranslation>>> TranslateLines(
    TranslationModel& model, const std::vector<std::string>& lines, const std::string& where,
    int64_t nbest, int64_t first_line) {
  const core::SubwordModel& subwords = *model.subwords;
  const int64_t max_positions = model.config.model.max_positions;
  std::vector<core::Example> examples;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string at = absl::StrCat(where, ":", first_line + static_cast<int64_t>(i));
    if (const size_t bad = core::FirstInvalidUtf8Byte(lines[i]); bad != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(at, ": invalid UTF-8 at byte ", bad + 1));
    }
    const std::string text = core::NormalizeTypography(lines[i]);
    if (text.empty()) continue;  // nothing to translate
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
  std::vector<std::vector<core::ScoredTranslation>> output(lines.size());
  if (examples.empty()) return output;  // only empty lines
  ASSIGN_OR_RETURN(
      std::vector<std::vector<core::ScoredTranslation>> translated,
      core::TranslateExamplesNBest(model.model, examples, subwords, model.decoding, nbest));
  for (size_t k = 0; k < examples.size(); ++k) {
    output[examples[k].line] = std::move(translated[k]);
  }
  return output;
}

}  // namespace tools::translate
