#include "core/train/evaluation.h"

#include <ATen/ATen.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "core/data/batch_tensors.h"
#include "core/model/eval_mode.h"
#include "core/model/label_smoothed_loss.h"
#include "core/util/status_macros.h"

namespace core {
namespace {

BatchSpecialIds SpecialIds(const ParallelDataset& dataset) {
  return {dataset.model().pad_id(), dataset.model().bos_id()};
}

}  // namespace

absl::StatusOr<LossResult> EvaluateLoss(TransformerImpl& model, const ParallelDataset& dataset,
                                        const EvaluationOptions& options) {
  BatcherOptions batching;
  batching.max_tokens = options.max_tokens;
  batching.shuffle = false;
  ASSIGN_OR_RETURN(Batcher batcher,
                   Batcher::Create(&dataset.examples(), batching, SpecialIds(dataset)));
  EvalModeScope eval(model);
  at::NoGradGuard no_grad;
  double loss = 0;
  double nll = 0;
  int64_t tokens = 0;
  for (const std::vector<int64_t>& indices : batcher.PlanEpoch(1)) {
    const BatchTensors batch = ToTensors(batcher.MakeBatch(indices), options.device);
    const LossSums sums =
        LabelSmoothedCrossEntropy(model.forward(batch.source, batch.decoder_input), batch.target,
                                  options.label_smoothing, dataset.model().pad_id());
    loss += sums.loss.item<double>();
    nll += sums.nll.item<double>();
    tokens += sums.tokens.item<int64_t>();
  }
  if (tokens == 0) return absl::FailedPreconditionError("no target tokens to evaluate on");
  LossResult result;
  result.loss = loss / tokens;
  result.nll = nll / tokens;
  result.perplexity = std::exp(result.nll);
  result.tokens = tokens;
  return result;
}

absl::StatusOr<std::vector<std::vector<ScoredTranslation>>> TranslateExamplesNBest(
    Transformer& model, const std::vector<Example>& examples, const SubwordModel& subwords,
    const EvaluationOptions& options, int64_t nbest) {
  if (nbest < 1 || nbest > options.generation.beam_size) {
    return absl::InvalidArgumentError(absl::StrCat("--nbest=", nbest, " must be between 1 and ",
                                                   "--beam_size (", options.generation.beam_size,
                                                   "): a beam holds no more hypotheses"));
  }
  BatcherOptions batching;
  // Beam search multiplies the batch by the beam: keep the decoder's working set similar.
  batching.max_tokens = std::max<int64_t>(options.max_tokens / options.generation.beam_size, 256);
  batching.shuffle = false;
  ASSIGN_OR_RETURN(Batcher batcher,
                   Batcher::Create(&examples, batching, {subwords.pad_id(), subwords.bos_id()}));
  GenerationOptions generation = options.generation;
  generation.bos_id = subwords.bos_id();
  generation.eos_id = subwords.eos_id();

  std::vector<std::vector<ScoredTranslation>> translations(examples.size());
  for (const std::vector<int64_t>& indices : batcher.PlanEpoch(1)) {
    if (options.cancelled && options.cancelled()) {
      return absl::CancelledError("translation stopped by a stop request");
    }
    const Batch batch = batcher.MakeBatch(indices);
    const std::vector<std::vector<ScoredHypothesis>> outputs =
        GenerateNBest(model, ToTensors(batch, options.device).source, generation, nbest);
    for (size_t i = 0; i < indices.size(); ++i) {
      for (const ScoredHypothesis& hypothesis : outputs[i]) {
        ScoredTranslation translation;
        translation.score = hypothesis.score;
        ASSIGN_OR_RETURN(translation.text, subwords.Decode(std::vector<int>(
                                               hypothesis.tokens.begin(), hypothesis.tokens.end())));
        translations[indices[i]].push_back(std::move(translation));
      }
    }
  }
  return translations;
}

absl::StatusOr<std::vector<std::string>> TranslateExamples(Transformer& model,
                                                           const std::vector<Example>& examples,
                                                           const SubwordModel& subwords,
                                                           const EvaluationOptions& options) {
  ASSIGN_OR_RETURN(std::vector<std::vector<ScoredTranslation>> best,
                   TranslateExamplesNBest(model, examples, subwords, options, /*nbest=*/1));
  std::vector<std::string> hypotheses(best.size());
  for (size_t i = 0; i < best.size(); ++i) {
    if (!best[i].empty()) hypotheses[i] = std::move(best[i].front().text);
  }
  return hypotheses;
}

absl::StatusOr<TranslationScores> TranslateAndScore(Transformer& model,
                                                    const ParallelDataset& dataset,
                                                    const EvaluationOptions& options) {
  std::vector<Example> examples = dataset.examples();
  if (options.max_sentences > 0 && static_cast<int64_t>(examples.size()) > options.max_sentences) {
    examples.resize(options.max_sentences);
  }
  TranslationScores scores;
  ASSIGN_OR_RETURN(scores.hypotheses, TranslateExamples(model, examples, dataset.model(), options));
  BleuStatistics bleu;
  ChrfStatistics chrf;
  for (size_t i = 0; i < examples.size(); ++i) {
    const std::vector<absl::string_view> references = {dataset.target_line(examples[i].line)};
    RETURN_IF_ERROR(bleu.Add(scores.hypotheses[i], references));
    RETURN_IF_ERROR(chrf.Add(scores.hypotheses[i], references));
  }
  scores.bleu = bleu.Score();
  scores.chrf = chrf.Score();
  return scores;
}

}  // namespace core
