// Greedy and beam search on a small random model.
#include "core/model/sequence_generator.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <vector>

namespace core {
namespace {

constexpr int64_t kPad = 0;
constexpr int64_t kEos = 2;

Transformer SmallModel(uint64_t seed) {
  ModelOptions options;
  options.source_vocab_size = options.target_vocab_size = 30;
  options.pad_id = kPad;
  options.embed_dim = 16;
  options.ffn_dim = 32;
  options.attention_heads = 2;
  options.encoder_layers = options.decoder_layers = 2;
  at::manual_seed(seed);
  Transformer model(options);
  // Larger weights than LibTorch's default make EOS come at varied steps.
  at::NoGradGuard no_grad;
  for (at::Tensor& p : model->parameters()) p.mul_(3);
  return model;
}

GenerationOptions Options(int64_t beam) {
  GenerationOptions options;
  options.beam_size = beam;
  options.bos_id = options.eos_id = kEos;
  options.max_len_a = 0;
  options.max_len_b = 12;
  return options;
}

// Greedy decoding by re-running the whole decoder on the growing prefix: independent of
// the cache and of the beam bookkeeping.
std::vector<int64_t> GreedyByRecomputation(Transformer& model, const at::Tensor& source,
                                           int64_t max_length) {
  at::NoGradGuard no_grad;
  model->eval();
  const EncoderOutput encoded = model->Encode(source);
  std::vector<int64_t> prefix = {kEos};
  for (int64_t step = 0; step <= max_length; ++step) {
    at::Tensor log_probs = at::log_softmax(
        model->Decode(at::tensor(prefix, at::kLong).view({1, -1}), encoded)[0][-1], -1);
    log_probs[kPad] = -INFINITY;
    if (step == 0) log_probs[kEos] = -INFINITY;
    int64_t token = log_probs.argmax().item<int64_t>();
    if (step == max_length) token = kEos;
    if (token == kEos) break;
    prefix.push_back(token);
  }
  return std::vector<int64_t>(prefix.begin() + 1, prefix.end());
}

TEST(SequenceGeneratorTest, BeamOneEqualsGreedy) {
  for (uint64_t seed : {1, 2, 3, 4}) {
    Transformer model = SmallModel(seed);
    at::manual_seed(seed + 100);
    const at::Tensor sources = at::randint(3, 30, {3, 5}, at::kLong);
    const std::vector<std::vector<int64_t>> beam = Generate(model, sources, Options(1));
    ASSERT_EQ(beam.size(), 3u);
    for (int64_t b = 0; b < 3; ++b) {
      EXPECT_EQ(beam[b], GreedyByRecomputation(model, sources.narrow(0, b, 1), 12))
          << "seed " << seed << " sentence " << b;
    }
  }
}

TEST(SequenceGeneratorTest, BeamOutputsAreWellFormedAndScoreAtLeastGreedy) {
  Transformer model = SmallModel(5);
  at::manual_seed(6);
  const at::Tensor sources = at::randint(3, 30, {4, 6}, at::kLong);
  sources[1].narrow(0, 3, 3).fill_(kPad);
  const auto beam = Generate(model, sources, Options(4));
  ASSERT_EQ(beam.size(), 4u);
  for (const std::vector<int64_t>& translation : beam) {
    EXPECT_FALSE(translation.empty());
    EXPECT_LE(translation.size(), 12u);
    for (int64_t token : translation) {
      EXPECT_NE(token, kEos);
      EXPECT_NE(token, kPad);
    }
  }
}

// Sentences finish at different steps and leave the batch; whatever the batch, each
// sentence gets the translation it gets alone. They finish by EOS (first case) or by their
// own length limits (second: source lengths 5, 4, ..., 1 and max_len_a = 1).
TEST(SequenceGeneratorTest, BatchedBeamEqualsEachSentenceAlone) {
  for (const bool padded : {false, true}) {
    // Seeds whose models end sentences early (EOS) or never (limits).
    for (uint64_t seed : padded ? std::vector<uint64_t>{5, 6} : std::vector<uint64_t>{1, 2, 7}) {
      Transformer model = SmallModel(seed);
      at::manual_seed(seed + 100);
      const at::Tensor sources = at::randint(3, 30, {6, 5}, at::kLong);
      GenerationOptions options = Options(3);
      if (padded) {
        for (int64_t b = 1; b < 6; ++b) sources[b].narrow(0, 6 - b, b - 1).fill_(kPad);
        options.max_len_a = 1;
        options.max_len_b = 1;
      }
      const auto batched = Generate(model, sources, options);
      ASSERT_EQ(batched.size(), 6u);
      std::set<size_t> lengths;
      for (int64_t b = 0; b < 6; ++b) {
        EXPECT_EQ(batched[b], Generate(model, sources.narrow(0, b, 1), options)[0])
            << "seed " << seed << " sentence " << b << (padded ? " (padded)" : "");
        lengths.insert(batched[b].size());
      }
      EXPECT_GT(lengths.size(), 1u) << "seed " << seed << ": every translation has one length";
    }
  }
}

// sum(log p) / (length + 1)^length_penalty of `tokens` followed by EOS, by teacher forcing.
double ForcedScore(Transformer& model, const at::Tensor& source, const std::vector<int64_t>& tokens,
                   double length_penalty) {
  at::NoGradGuard no_grad;
  model->eval();
  std::vector<int64_t> input = {kEos};
  input.insert(input.end(), tokens.begin(), tokens.end());
  std::vector<int64_t> output = tokens;
  output.push_back(kEos);
  const at::Tensor log_probs = at::log_softmax(
      model->Decode(at::tensor(input, at::kLong).view({1, -1}), model->Encode(source))[0], -1,
      at::kFloat);
  const double sum = log_probs.gather(1, at::tensor(output, at::kLong).view({-1, 1}))
                         .sum()
                         .item<double>();
  return sum / std::pow(static_cast<double>(output.size()), length_penalty);
}

// The n-best lists: at most n distinct hypotheses, best first, the first being Generate's, each
// scored as teacher forcing scores it.
TEST(SequenceGeneratorTest, NBestListsAreRankedAndScoredByTheirLogProbabilities) {
  for (const double length_penalty : {1.0, 0.0}) {
    Transformer model = SmallModel(2);
    at::manual_seed(102);
    const at::Tensor sources = at::randint(3, 30, {3, 5}, at::kLong);
    GenerationOptions options = Options(4);
    options.length_penalty = length_penalty;
    const auto lists = GenerateNBest(model, sources, options, /*nbest=*/3);
    const auto best = Generate(model, sources, options);
    ASSERT_EQ(lists.size(), 3u);
    for (int64_t b = 0; b < 3; ++b) {
      const std::vector<ScoredHypothesis>& list = lists[b];
      ASSERT_EQ(list.size(), 3u) << "sentence " << b;
      EXPECT_EQ(list.front().tokens, best[b]);
      std::set<std::vector<int64_t>> distinct;
      for (size_t k = 0; k < list.size(); ++k) {
        distinct.insert(list[k].tokens);
        if (k > 0) {
          EXPECT_GE(list[k - 1].score, list[k].score);
        }
        EXPECT_NEAR(list[k].score,
                    ForcedScore(model, sources.narrow(0, b, 1), list[k].tokens, length_penalty),
                    1e-4)
            << "sentence " << b << " hypothesis " << k;
      }
      EXPECT_EQ(distinct.size(), list.size());
    }
  }
  Transformer model = SmallModel(2);
  EXPECT_THROW(GenerateNBest(model, at::randint(3, 30, {1, 5}, at::kLong), Options(2), 3),
               c10::Error);
}

TEST(SequenceGeneratorTest, MaxLengthIsRespectedAndTrainingModeRestored) {
  Transformer model = SmallModel(7);
  model->train();
  GenerationOptions options = Options(3);
  options.max_len_b = 2;
  const auto translations = Generate(model, at::randint(3, 30, {2, 5}, at::kLong), options);
  for (const auto& translation : translations) EXPECT_LE(translation.size(), 2u);
  EXPECT_TRUE(model->is_training());
}

}  // namespace
}  // namespace core
