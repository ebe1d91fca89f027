// Greedy and beam-search decoding with cached keys and values.
//
// Beam search follows fairseq's: at each step the 2·beam best continuations are ranked;
// those among the best beam that end in EOS become finished hypotheses scored by
// sum(log p) / length^length_penalty (length counts EOS); a sentence is done when beam
// hypotheses have finished, and leaves the batch (the decoder stops computing its rows); at
// the length limit EOS is forced. Beam 1 equals greedy.
//
//   GenerationOptions options;
//   options.beam_size = 5;
//   std::vector<std::vector<int64_t>> translations =
//       Generate(model, source_tokens, options);   // ids without BOS/EOS
//   std::vector<std::vector<ScoredHypothesis>> lists =
//       GenerateNBest(model, source_tokens, options, /*nbest=*/3);   // best first
#ifndef CORE_MODEL_SEQUENCE_GENERATOR_H_
#define CORE_MODEL_SEQUENCE_GENERATOR_H_

#include <cstdint>
#include <vector>

#include "core/model/transformer.h"

namespace core {

struct GenerationOptions {
  // Hypotheses kept per sentence; 1 is greedy.
  int64_t beam_size = 5;
  // Exponent of the length normalisation (fairseq --lenpen); 0 ranks by total log p.
  double length_penalty = 1.0;
  // Longest output: max_len_a·source_length + max_len_b tokens (fairseq semantics),
  // capped by the model's max_positions - 1.
  double max_len_a = 1.2;
  int64_t max_len_b = 10;
  // The first decoder input, and the symbol that ends a hypothesis.
  int64_t bos_id = 2;
  int64_t eos_id = 2;
};

// A finished hypothesis: its ids without BOS and EOS, and its length-normalised score
// sum(log p) / length^length_penalty (natural log; length counts EOS).
struct ScoredHypothesis {
  std::vector<int64_t> tokens;
  double score = 0;
};

// The `nbest` best finished hypotheses of every row of `source_tokens`, best first;
// 1 <= nbest <= options.beam_size (a beam holds no more). Same search as Generate.
std::vector<std::vector<ScoredHypothesis>> GenerateNBest(Transformer& model,
                                                         const torch::Tensor& source_tokens,
                                                         const GenerationOptions& options,
                                                         int64_t nbest);

// Translations of every row of `source_tokens` ([B, S], on the model's device), each
// without the BOS and EOS symbols. Runs in eval mode without gradients, restoring the
// model's training mode on return.
std::vector<std::vector<int64_t>> Generate(Transformer& model, const torch::Tensor& source_tokens,
                                           const GenerationOptions& options);

}  // namespace core

#endif  // CORE_MODEL_SEQUENCE_GENERATOR_H_
