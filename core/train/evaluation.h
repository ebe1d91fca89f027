// What a model scores on held-out data: label-smoothed loss and perplexity, and BLEU/chrF
// of its translations (decoded with SentencePiece, scored against the raw references).
//
//   absl::StatusOr<LossResult> valid = EvaluateLoss(model, valid_set, options);
//   absl::StatusOr<TranslationScores> scores = TranslateAndScore(model, test_set, options);
//   std::cout << scores->bleu.Format();   // BLEU = 31.20 62.1/37.5/24.8/16.9 (BP = ...)
#ifndef CORE_TRAIN_EVALUATION_H_
#define CORE_TRAIN_EVALUATION_H_

#include <c10/core/Device.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/data/parallel_dataset.h"
#include "core/metrics/bleu.h"
#include "core/metrics/chrf.h"
#include "core/model/sequence_generator.h"
#include "core/model/transformer.h"

namespace core {

struct EvaluationOptions {
  c10::Device device = c10::Device(c10::kCPU);
  // Token budget of the evaluation batches.
  int64_t max_tokens = 4096;
  double label_smoothing = 0.1;
  // Decoding; bos_id/eos_id are taken from the dataset's SentencePiece model.
  GenerationOptions generation;
  // Translate only the first N pairs; 0: all.
  int64_t max_sentences = 0;
  // Asked between translation batches; true stops the translation with a Cancelled error
  // (a stop signal must not wait for a whole test set to be decoded). Null: never.
  std::function<bool()> cancelled;
};

struct LossResult {
  // Per target token.
  double loss = 0;
  double nll = 0;
  // exp(nll).
  double perplexity = 0;
  int64_t tokens = 0;
};

struct TranslationScores {
  BleuScore bleu;
  ChrfScore chrf;
  // Detokenized hypotheses, in dataset order.
  std::vector<std::string> hypotheses;
};

// Loss over every pair of `dataset`, in eval mode (the model's mode is restored).
absl::StatusOr<LossResult> EvaluateLoss(TransformerImpl& model, const ParallelDataset& dataset,
                                        const EvaluationOptions& options);

// A detokenized hypothesis and its length-normalised log-probability (see ScoredHypothesis).
struct ScoredTranslation {
  std::string text;
  double score = 0;
};

// The `nbest` best translations of each of `examples` (their source ids, ending with EOS),
// best first, detokenized by `subwords`, in the order of `examples`; batched by
// options.max_tokens, decoded by options.generation (nbest <= its beam size). Cancelled when
// options.cancelled says so.
absl::StatusOr<std::vector<std::vector<ScoredTranslation>>> TranslateExamplesNBest(
    Transformer& model, const std::vector<Example>& examples, const SubwordModel& subwords,
    const EvaluationOptions& options, int64_t nbest);

// The best translation of each of `examples`, as TranslateExamplesNBest.
absl::StatusOr<std::vector<std::string>> TranslateExamples(Transformer& model,
                                                           const std::vector<Example>& examples,
                                                           const SubwordModel& subwords,
                                                           const EvaluationOptions& options);

// Translates `dataset` and scores the detokenized output against its reference lines;
// Cancelled when options.cancelled says so.
absl::StatusOr<TranslationScores> TranslateAndScore(Transformer& model,
                                                    const ParallelDataset& dataset,
                                                    const EvaluationOptions& options);

}  // namespace core

#endif  // CORE_TRAIN_EVALUATION_H_
