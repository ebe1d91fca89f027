// Translating new text with a trained model: the checkpoint's weights, with the SentencePiece
// model, direction and decoding settings of the run that wrote it.
//
//   absl::StatusOr<TranslationModel> model =
//       LoadTranslationModel("runs/x/checkpoint_best.pt", {"--beam_size=5"});
//   absl::StatusOr<std::vector<std::vector<core::ScoredTranslation>>> english =
//       TranslateLines(*model, {"Der Hund sieht den Ball.", ""}, "input", /*nbest=*/2);
//   // {{{"The dog sees the ball.", -0.31}, {"The dog sees a ball.", -0.52}}, {}}:
//   // an empty line has no translations
#ifndef TOOLS_TRANSLATE_TRANSLATOR_H_
#define TOOLS_TRANSLATE_TRANSLATOR_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/data/subword_model.h"
#include "core/model/transformer.h"
#include "core/train/evaluation.h"
#include "core/train/train_config.h"

namespace tools::translate {

struct TranslationModel {
  // The run's configuration as the checkpoint holds it, with the overrides applied.
  core::TrainConfig config;
  std::unique_ptr<core::SubwordModel> subwords;
  // In eval mode, on config.device.
  core::Transformer model{nullptr};
  // Decoding and batching, from config (--beam_size, --lenpen, --max_len_a/b, --max_tokens).
  core::EvaluationOptions decoding;
};

// Loads a checkpoint written by `train`. `overrides` ("--beam_size=8", "--device=cuda",
// "--threads=2") replace settings of the run's configuration; a flag that changes the model
// or the data is refused. InvalidArgument for a file that is not a trainer checkpoint.
absl::StatusOr<TranslationModel> LoadTranslationModel(const std::string& checkpoint,
                                                      const std::vector<std::string>& overrides);

// The `nbest` best translations (best first, with scores) of each of `lines` (raw text:
// typography normalised as the datasets are), in order; nbest <= the beam size. An empty line
// has none; invalid UTF-8 or a line longer than the model's max_positions is InvalidArgument
// naming `where` and the 1-based line (first_line + index).
absl::StatusOr<std::vector<std::vector<core::ScoredTranslation>>> TranslateLines(
    TranslationModel& model, const std::vector<std::string>& lines, const std::string& where,
    int64_t nbest = 1, int64_t first_line = 1);

}  // namespace tools::translate

#endif  // TOOLS_TRANSLATE_TRANSLATOR_H_
