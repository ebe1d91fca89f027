#include "core/model/sequence_generator.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/model/eval_mode.h"

namespace core {
namespace {

constexpr double kMinusInfinity = -std::numeric_limits<double>::infinity();

// A hypothesis kept for the next step: row `row` of this step followed by `token`.
struct Continuation {
  int64_t row;
  int64_t token;
  double score;  // sum of log p
};

}  // namespace

std::vector<std::vector<ScoredHypothesis>> GenerateNBest(Transformer& model,
                                                         const torch::Tensor& source_tokens,
                                                         const GenerationOptions& options,
                                                         int64_t nbest) {
  TORCH_CHECK(options.beam_size >= 1, "beam size ", options.beam_size, " must be >= 1");
  TORCH_CHECK(nbest >= 1 && nbest <= options.beam_size, "nbest ", nbest,
              " must be between 1 and the beam size ", options.beam_size);
  EvalModeScope eval_mode(*model);
  at::NoGradGuard no_grad;
  const ModelOptions& model_options = model->options();
  const int64_t batch = source_tokens.size(0);
  const int64_t beam = options.beam_size;
  const int64_t vocab = model_options.target_vocab_size;

  EncoderOutput encoded = model->Encode(source_tokens);
  // Every hypothesis of sentence b lives in row b·beam + k.
  const at::Tensor expand = at::arange(batch, source_tokens.options()).repeat_interleave(beam);
  encoded.states = encoded.states.index_select(0, expand);
  encoded.padding_mask = encoded.padding_mask.index_select(0, expand);

  const at::Tensor source_lengths = source_tokens.ne(model_options.pad_id).sum(1).cpu();
  std::vector<int64_t> max_length(batch);
  int64_t longest = 0;
  for (int64_t b = 0; b < batch; ++b) {
    const double limit = options.max_len_a * source_lengths[b].item<double>() +
                         static_cast<double>(options.max_len_b);
    max_length[b] = std::max<int64_t>(
        1, std::min<int64_t>(static_cast<int64_t>(limit), model_options.max_positions - 1));
    longest = std::max(longest, max_length[b]);
  }

  DecoderState state = model->StartDecoding();
  // The sentences still searched, in batch order; sentence active[p] owns rows p·beam + k.
  // A finished sentence leaves the batch, so the decoder stops spending steps on it.
  std::vector<int64_t> active(batch);
  std::iota(active.begin(), active.end(), 0);
  std::vector<std::vector<int64_t>> history(batch * beam);
  // Only the first hypothesis of each sentence is live at step 0: the others would
  // duplicate it.
  std::vector<double> scores(batch * beam, kMinusInfinity);
  for (int64_t b = 0; b < batch; ++b) scores[b * beam] = 0;
  at::Tensor last = at::full({batch * beam}, options.bos_id, source_tokens.options());
  std::vector<std::vector<ScoredHypothesis>> finished(batch);

  for (int64_t step = 0; step <= longest; ++step) {
    const int64_t searched = static_cast<int64_t>(active.size());
    at::Tensor log_probs =
        at::log_softmax(model->DecodeStep(last, encoded, state), /*dim=*/-1, at::kFloat);
    log_probs.select(1, model_options.pad_id).fill_(kMinusInfinity);
    if (options.bos_id != options.eos_id) log_probs.select(1, options.bos_id).fill_(kMinusInfinity);
    // No empty translations (fairseq's min_len = 1).
    if (step == 0) log_probs.select(1, options.eos_id).fill_(kMinusInfinity);
    for (int64_t p = 0; p < searched; ++p) {
      if (step < max_length[active[p]]) continue;
      // At the length limit only EOS may follow.
      at::Tensor rows = log_probs.narrow(0, p * beam, beam);
      const at::Tensor eos = rows.select(1, options.eos_id).clone();
      rows.fill_(kMinusInfinity);
      rows.select(1, options.eos_id).copy_(eos);
    }
    const at::Tensor candidates =
        (at::tensor(scores, at::kDouble).to(log_probs.device()).unsqueeze(1) +
         log_probs.to(at::kDouble))
            .view({searched, beam * vocab});
    const auto [top_scores_tensor, top_indices_tensor] =
        candidates.topk(std::min<int64_t>(2 * beam, beam * vocab), /*dim=*/1);
    const at::Tensor top_scores = top_scores_tensor.cpu();
    const at::Tensor top_indices = top_indices_tensor.cpu();
    const auto score_at = top_scores.accessor<double, 2>();
    const auto index_at = top_indices.accessor<int64_t, 2>();

    std::vector<int64_t> next_active;
    std::vector<Continuation> next;
    std::vector<Continuation> kept;
    for (int64_t p = 0; p < searched; ++p) {
      const int64_t b = active[p];
      std::vector<ScoredHypothesis>& ended = finished[b];
      kept.clear();
      for (int64_t j = 0; j < top_scores.size(1); ++j) {
        const double score = score_at[p][j];
        if (score == kMinusInfinity) break;
        const int64_t row = p * beam + index_at[p][j] / vocab;
        const int64_t token = index_at[p][j] % vocab;
        if (token == options.eos_id) {
          // As fairseq: only an EOS among the best `beam` candidates ends a hypothesis.
          if (j < beam && static_cast<int64_t>(ended.size()) < beam) {
            const double length = static_cast<double>(history[row].size() + 1);
            ended.push_back({history[row], score / std::pow(length, options.length_penalty)});
          }
        } else if (static_cast<int64_t>(kept.size()) < beam) {
          kept.push_back({row, token, score});
        }
        if (static_cast<int64_t>(kept.size()) == beam &&
            static_cast<int64_t>(ended.size()) >= beam) {
          break;
        }
      }
      // Done: the sentence leaves the batch.
      if (static_cast<int64_t>(ended.size()) >= beam || step >= max_length[b]) continue;
      next_active.push_back(b);
      // Dead rows keep the batch rectangular.
      kept.resize(beam, {p * beam, options.eos_id, kMinusInfinity});
      next.insert(next.end(), kept.begin(), kept.end());
    }
    if (next_active.empty()) break;

    std::vector<std::vector<int64_t>> next_history(next.size());
    std::vector<int64_t> rows(next.size());
    std::vector<int64_t> tokens(next.size());
    scores.resize(next.size());
    for (size_t i = 0; i < next.size(); ++i) {
      next_history[i] = history[next[i].row];
      next_history[i].push_back(next[i].token);
      rows[i] = next[i].row;
      tokens[i] = next[i].token;
      scores[i] = next[i].score;
    }
    history = std::move(next_history);
    const at::Tensor order = at::tensor(rows, at::kLong).to(source_tokens.device());
    TransformerImpl::ReorderDecoderState(state, order);
    if (next_active.size() < active.size()) {
      // The rows of one sentence share its encoder output, so any of them will do.
      encoded.states = encoded.states.index_select(0, order);
      encoded.padding_mask = encoded.padding_mask.index_select(0, order);
    }
    active = std::move(next_active);
    last = at::tensor(tokens, at::kLong).to(source_tokens.device());
  }

  for (std::vector<ScoredHypothesis>& ended : finished) {
    // Stable: among equal scores the earlier-finished (shorter) hypothesis stays first.
    std::stable_sort(ended.begin(), ended.end(),
                     [](const ScoredHypothesis& x, const ScoredHypothesis& y) {
                       return x.score > y.score;
                     });
    if (static_cast<int64_t>(ended.size()) > nbest) ended.resize(nbest);
  }
  return finished;
}

std::vector<std::vector<int64_t>> Generate(Transformer& model, const torch::Tensor& source_tokens,
                                           const GenerationOptions& options) {
  std::vector<std::vector<ScoredHypothesis>> best =
      GenerateNBest(model, source_tokens, options, /*nbest=*/1);
  std::vector<std::vector<int64_t>> translations(best.size());
  for (size_t b = 0; b < best.size(); ++b) {
    if (!best[b].empty()) translations[b] = std::move(best[b].front().tokens);
  }
  return translations;
}

}  // namespace core
