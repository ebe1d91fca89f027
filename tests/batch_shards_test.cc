#include "core/train/batch_shards.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <torch/optim/sgd.h>

#include "core/model/transformer.h"

namespace core {
namespace {

constexpr int64_t kPad = 1;
constexpr int64_t kVocab = 30;

Transformer SmallModel(const std::string& residual = "admin", double dropout = 0.0) {
  ModelOptions options;
  options.source_vocab_size = options.target_vocab_size = kVocab;
  options.pad_id = kPad;
  options.embed_dim = 16;
  options.ffn_dim = 32;
  options.attention_heads = 4;
  options.encoder_layers = 2;
  options.decoder_layers = 2;
  options.encoder_residual = options.decoder_residual = residual;
  options.dropout = options.attention_dropout = options.activation_dropout = dropout;
  at::manual_seed(3);
  Transformer model(options);
  model->train();
  return model;
}

// Right-padded rows of the given lengths, tokens in [4, kVocab) from a generator of their own
// (the default one decides dropout).
at::Tensor Rows(const std::vector<int64_t>& lengths, int64_t columns) {
  static at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(9);
  at::Tensor tokens = at::randint(4, kVocab, {static_cast<int64_t>(lengths.size()), columns},
                                  generator, at::kLong);
  for (size_t row = 0; row < lengths.size(); ++row) {
    tokens[row].slice(0, lengths[row]).fill_(kPad);
  }
  return tokens;
}

BatchTensors MakeBatch() {
  const std::vector<int64_t> lengths = {9, 8, 8, 6, 5, 3, 2};
  const at::Tensor target = Rows(lengths, 10);
  at::Tensor decoder_input = target.clone();
  decoder_input.slice(1, 1) = target.slice(1, 0, -1);
  decoder_input.select(1, 0).fill_(2);  // EOS starts the decoder input
  return {Rows({7, 9, 4, 6, 2, 5, 3}, 11), decoder_input, target};
}

// Gradients after ForwardBackward with `threads`, and its sums: the second of two calls, each
// after an optimizer's zero_grad, as the trainer's updates (the first finds no .grad, the
// second zeroed ones).
std::pair<std::vector<at::Tensor>, BatchLoss> Gradients(Transformer& model, int64_t threads) {
  const std::vector<at::Tensor> parameters = model->parameters();
  for (const at::Tensor& p : parameters) p.mutable_grad() = at::Tensor();
  torch::optim::SGD optimizer(parameters, /*lr=*/0.1);
  ShardOptions options;
  options.threads = threads;
  options.pad_id = kPad;
  const LossScaler scaler(LossScalerOptions(), /*enabled=*/false);
  static const BatchTensors batch = MakeBatch();
  const at::Tensor generator_state = at::detail::getDefaultCPUGenerator().get_state();
  BatchLoss loss;
  for (int call = 0; call < 2; ++call) {
    at::Generator generator = at::detail::getDefaultCPUGenerator();
    generator.set_state(generator_state);  // the same masks in both calls
    optimizer.zero_grad();
    loss = ForwardBackward(*model, batch, parameters, options, Precision::kFp32,
                           c10::Device(c10::kCPU), scaler);
  }
  std::vector<at::Tensor> gradients;
  for (const at::Tensor& p : parameters) gradients.push_back(p.grad().clone());
  return {gradients, loss};
}

TEST(BatchShardsTest, ShardsHoldAboutEqualTokensAndEveryRow) {
  const at::Tensor target = Rows({10, 10, 9, 9, 2, 2, 1, 1}, 10);
  const auto ranges = ShardRows(target, kPad, 2);
  ASSERT_EQ(ranges.size(), 2u);
  EXPECT_EQ(ranges[0], std::make_pair(int64_t{0}, int64_t{2}));  // 20 of 44 tokens
  EXPECT_EQ(ranges[1], std::make_pair(int64_t{2}, int64_t{8}));
  // More shards than rows: one row each; one shard: everything.
  EXPECT_EQ(ShardRows(target.slice(0, 0, 3), kPad, 5).size(), 3u);
  EXPECT_EQ(ShardRows(target, kPad, 1), (std::vector<std::pair<int64_t, int64_t>>{{0, 8}}));
  for (int64_t shards = 1; shards <= 8; ++shards) {
    const auto split = ShardRows(target, kPad, shards);
    ASSERT_EQ(static_cast<int64_t>(split.size()), shards);
    for (size_t k = 0; k < split.size(); ++k) {
      EXPECT_LT(split[k].first, split[k].second);
      EXPECT_EQ(split[k].first, k == 0 ? 0 : split[k - 1].second);
    }
    EXPECT_EQ(split.back().second, 8);
  }
}

TEST(BatchShardsTest, ASliceDropsColumnsThatAreOnlyPadding) {
  const BatchTensors batch = MakeBatch();
  const BatchTensors slice = SliceBatch(batch, 5, 7, kPad);  // target lengths 3, 2; source 5, 3
  EXPECT_EQ(slice.target.sizes(), (at::IntArrayRef{2, 3}));
  EXPECT_EQ(slice.decoder_input.sizes(), (at::IntArrayRef{2, 3}));
  EXPECT_EQ(slice.source.sizes(), (at::IntArrayRef{2, 5}));
  EXPECT_TRUE(at::equal(slice.target, batch.target.slice(0, 5, 7).slice(1, 0, 3)));
}

// Without dropout, shards change only the summation order: the same loss and gradients.
TEST(BatchShardsTest, ShardedGradientsAreTheWholeBatchs) {
  Transformer model = SmallModel();
  const auto [whole, whole_loss] = Gradients(model, 1);
  for (const int64_t threads : {2, 3}) {
    const auto [sharded, sharded_loss] = Gradients(model, threads);
    EXPECT_EQ(sharded_loss.tokens, whole_loss.tokens);
    EXPECT_NEAR(sharded_loss.loss_sum, whole_loss.loss_sum, 1e-5 * whole_loss.loss_sum);
    EXPECT_NEAR(sharded_loss.nll_sum, whole_loss.nll_sum, 1e-5 * whole_loss.nll_sum);
    // Relative to the largest gradient: some are zero but for rounding (k_proj's bias).
    double scale = 0;
    for (const at::Tensor& g : whole) scale = std::max(scale, g.abs().max().item<double>());
    for (size_t i = 0; i < whole.size(); ++i) {
      EXPECT_LT((sharded[i] - whole[i]).abs().max().item<double>(), 1e-5 * scale)
          << "parameter " << i << ", " << threads << " threads";
    }
  }
}

// With dropout, a run is decided by the default generator's state, not by thread timing.
TEST(BatchShardsTest, ShardedRunsRepeatBitForBit) {
  Transformer model = SmallModel("admin", /*dropout=*/0.3);
  at::manual_seed(21);
  const auto first = Gradients(model, 2).first;
  for (int repeat = 0; repeat < 3; ++repeat) {
    at::manual_seed(21);
    const auto again = Gradients(model, 2).first;
    for (size_t i = 0; i < first.size(); ++i) ASSERT_TRUE(at::equal(first[i], again[i]));
  }
  at::manual_seed(22);
  const auto other = Gradients(model, 2).first;
  int64_t differing = 0;
  for (size_t i = 0; i < first.size(); ++i) differing += !at::equal(other[i], first[i]);
  EXPECT_GT(differing, 0) << "other masks, other gradients";
}

TEST(BatchShardsTest, TheThreadCountFollowsTheMachineAndTheFlags) {
  const c10::Device cpu(c10::kCPU);
  const c10::Device cuda(c10::kCUDA, 0);
  constexpr Precision kFp32 = Precision::kFp32;
  EXPECT_EQ(*ResolveBatchThreads(0, 0, kFp32, cpu, 4, true), 4);
  EXPECT_EQ(*ResolveBatchThreads(0, 1, kFp32, cpu, 4, true), 1);   // --threads set: a bounded run
  EXPECT_EQ(*ResolveBatchThreads(0, 0, kFp32, cpu, 4, false), 1);  // a stateful arrangement
  EXPECT_EQ(*ResolveBatchThreads(0, 0, kFp32, cuda, 4, true), 1);
  EXPECT_EQ(*ResolveBatchThreads(3, 1, kFp32, cpu, 2, true), 3);
  EXPECT_FALSE(ResolveBatchThreads(2, 0, kFp32, cuda, 4, true).ok());
  EXPECT_FALSE(ResolveBatchThreads(2, 0, kFp32, cpu, 4, false).ok());
  EXPECT_FALSE(ResolveBatchThreads(2, 2, kFp32, cpu, 4, true).ok());
  EXPECT_FALSE(ResolveBatchThreads(-1, 0, kFp32, cpu, 4, true).ok());
  EXPECT_EQ(*ResolveBatchThreads(0, 0, Precision::kBf16, cpu, 4, true), 1);
  EXPECT_FALSE(ResolveBatchThreads(2, 0, Precision::kBf16, cpu, 4, true).ok());
  EXPECT_TRUE(RunsConcurrently(*SmallModel("admin")));
  EXPECT_FALSE(RunsConcurrently(*SmallModel("b2t")));
}

}  // namespace
}  // namespace core
