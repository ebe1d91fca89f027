// Token-budget batching: the budget, one pass over every pair per epoch, determinism,
// resuming from a data position, and little padding.
#include "core/data/batcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <set>

#include "core/util/stable_random.h"

namespace core {
namespace {

using ::testing::HasSubstr;

constexpr int32_t kPad = 0;
constexpr int32_t kBos = 2;
constexpr int32_t kEos = 3;

// `count` pairs with Ding-like lengths (4..40 tokens, target about as long as source).
std::vector<Example> Examples(int count, uint64_t seed = 11) {
  StableRandom random(seed);
  std::vector<Example> examples;
  for (int i = 0; i < count; ++i) {
    const int source_length = 4 + static_cast<int>(random.Below(20) + random.Below(17));
    const int target_length = std::max(2, source_length + static_cast<int>(random.Below(7)) - 3);
    Example example;
    for (int k = 0; k + 1 < source_length; ++k) example.source.push_back(10 + (i + k) % 50);
    example.source.push_back(kEos);
    for (int k = 0; k + 1 < target_length; ++k) example.target.push_back(100 + (i * 7 + k) % 50);
    example.target.push_back(kEos);
    example.line = i;
    examples.push_back(example);
  }
  return examples;
}

BatcherOptions Options(int64_t max_tokens = 512, uint64_t seed = 1) {
  BatcherOptions options;
  options.max_tokens = max_tokens;
  options.seed = seed;
  return options;
}

Batcher Make(const std::vector<Example>* examples, const BatcherOptions& options) {
  absl::StatusOr<Batcher> batcher = Batcher::Create(examples, options, {kPad, kBos});
  EXPECT_TRUE(batcher.ok()) << batcher.status();
  return *std::move(batcher);
}

TEST(BatcherTest, EveryBatchRespectsTheBudgetAndEveryPairAppearsOncePerEpoch) {
  const std::vector<Example> examples = Examples(3000);
  for (int64_t max_tokens : {64, 512, 4096}) {
    Batcher batcher = Make(&examples, Options(max_tokens));
    for (int64_t epoch = 1; epoch <= 3; ++epoch) {
      std::multiset<int64_t> seen;
      const int64_t count = batcher.BatchCount(epoch);
      for (int64_t b = 0; b < count; ++b) {
        ASSERT_EQ(batcher.position(), (DataPosition{epoch, b}));
        const Batch batch = batcher.Next();
        EXPECT_LE(batch.budget_tokens(), max_tokens);
        EXPECT_GT(batch.size, 0);
        seen.insert(batch.example_indices.begin(), batch.example_indices.end());
      }
      EXPECT_EQ(seen.size(), examples.size());
      EXPECT_EQ(std::set<int64_t>(seen.begin(), seen.end()).size(), examples.size());
      EXPECT_EQ(batcher.position(), (DataPosition{epoch + 1, 0}));
    }
  }
}

TEST(BatcherTest, MaxSentencesCapsTheBatchSize) {
  const std::vector<Example> examples = Examples(500);
  BatcherOptions options = Options(100000);
  options.max_sentences = 16;
  Batcher batcher = Make(&examples, options);
  for (const auto& batch : batcher.PlanEpoch(1)) EXPECT_LE(batch.size(), 16u);
}

TEST(BatcherTest, PaddingIsSmall) {
  const std::vector<Example> examples = Examples(3000);
  for (int64_t max_tokens : {1024, 4096}) {
    Batcher batcher = Make(&examples, Options(max_tokens));
    PaddingStats padding;
    const int64_t count = batcher.BatchCount(1);
    for (int64_t b = 0; b < count; ++b) padding.Add(batcher.Next());
    std::printf("max_tokens %lld: %lld batches, padding fraction %.4f (%lld real of %lld tokens)\n",
                static_cast<long long>(max_tokens), static_cast<long long>(padding.batches),
                padding.padding_fraction(), static_cast<long long>(padding.real_tokens),
                static_cast<long long>(padding.padded_tokens));
    // Source and target lengths differ within a pair by up to 3 tokens, so padding of
    // a few percent is the floor here.
    EXPECT_LT(padding.padding_fraction(), 0.08);
  }
}

TEST(BatcherTest, BatchArraysArePaddedRowMajorWithShiftedDecoderInput) {
  std::vector<Example> examples(2);
  examples[0].source = {11, 12, kEos};
  examples[0].target = {21, kEos};
  examples[1].source = {13, kEos};
  examples[1].target = {22, 23, 24, kEos};
  Batcher batcher = Make(&examples, Options(100));
  const Batch batch = batcher.MakeBatch({0, 1});
  EXPECT_EQ(batch.size, 2);
  EXPECT_EQ(batch.source_width, 3);
  EXPECT_EQ(batch.target_width, 4);
  EXPECT_EQ(batch.source, (std::vector<int32_t>{11, 12, kEos, 13, kEos, kPad}));
  EXPECT_EQ(batch.target, (std::vector<int32_t>{21, kEos, kPad, kPad, 22, 23, 24, kEos}));
  EXPECT_EQ(batch.decoder_input, (std::vector<int32_t>{kBos, 21, kPad, kPad, kBos, 22, 23, 24}));
  EXPECT_EQ(batch.source_lengths, (std::vector<int32_t>{3, 2}));
  EXPECT_EQ(batch.target_lengths, (std::vector<int32_t>{2, 4}));
  EXPECT_EQ(batch.source_tokens, 5);
  EXPECT_EQ(batch.target_tokens, 6);
  EXPECT_EQ(batch.padded_tokens(), 14);
  EXPECT_EQ(batch.budget_tokens(), 8);
  EXPECT_NEAR(batch.padding_fraction(), 3.0 / 14, 1e-12);
}

TEST(BatcherTest, OrderIsDeterministicAndChangesWithSeedAndEpoch) {
  const std::vector<Example> examples = Examples(1000);
  const Batcher a = Make(&examples, Options(512, 7));
  const Batcher b = Make(&examples, Options(512, 7));
  const Batcher c = Make(&examples, Options(512, 8));
  EXPECT_EQ(a.PlanEpoch(1), b.PlanEpoch(1));
  EXPECT_EQ(a.PlanEpoch(5), b.PlanEpoch(5));
  EXPECT_NE(a.PlanEpoch(1), c.PlanEpoch(1));
  EXPECT_NE(a.PlanEpoch(1), a.PlanEpoch(2));
}

TEST(BatcherTest, WithoutShuffleBatchesFollowLengthAndRepeat) {
  const std::vector<Example> examples = Examples(500);
  BatcherOptions options = Options(512);
  options.shuffle = false;
  const Batcher batcher = Make(&examples, options);
  const std::vector<std::vector<int64_t>> plan = batcher.PlanEpoch(1);
  EXPECT_EQ(plan, batcher.PlanEpoch(2));
  size_t previous = 0;
  for (const auto& batch : plan) {
    for (int64_t index : batch) {
      const size_t length = std::max(examples[index].source.size(), examples[index].target.size());
      EXPECT_GE(length, previous);
      previous = length;
    }
  }
}

TEST(BatcherTest, RestoringAPositionContinuesTheIdenticalOrder) {
  const std::vector<Example> examples = Examples(800);
  Batcher original = Make(&examples, Options(256, 3));
  const int64_t first_epoch = original.BatchCount(1);
  // Stop in the middle of epoch 2.
  for (int64_t b = 0; b < first_epoch + 5; ++b) original.Next();
  const DataPosition saved = original.position();
  EXPECT_EQ(saved, (DataPosition{2, 5}));
  EXPECT_EQ(saved.ToString(), "epoch 2, batch 5");
  std::vector<Batch> expected;
  for (int b = 0; b < 2 * first_epoch; ++b) expected.push_back(original.Next());

  Batcher resumed = Make(&examples, Options(256, 3));
  ASSERT_TRUE(resumed.Restore(saved).ok());
  for (const Batch& batch : expected) {
    const Batch actual = resumed.Next();
    ASSERT_EQ(actual.example_indices, batch.example_indices);
    EXPECT_EQ(actual.source, batch.source);
    EXPECT_EQ(actual.decoder_input, batch.decoder_input);
  }
  EXPECT_EQ(resumed.position(), original.position());
}

TEST(BatcherTest, RestoreValidatesThePosition) {
  const std::vector<Example> examples = Examples(100);
  Batcher batcher = Make(&examples, Options(256));
  const int64_t count = batcher.BatchCount(3);
  // The end of an epoch continues with the next one.
  ASSERT_TRUE(batcher.Restore({3, count}).ok());
  EXPECT_EQ(batcher.position(), (DataPosition{4, 0}));
  EXPECT_THAT(batcher.Restore({3, count + 1}).message(), HasSubstr("beyond the"));
  EXPECT_FALSE(batcher.Restore({0, 0}).ok());
  EXPECT_FALSE(batcher.Restore({1, -1}).ok());
}

TEST(BatcherTest, CreateRejectsBadInput) {
  const std::vector<Example> none;
  EXPECT_THAT(Batcher::Create(&none, Options(), {}).status().message(), HasSubstr("empty"));
  const std::vector<Example> examples = Examples(10);
  EXPECT_THAT(Batcher::Create(&examples, Options(0), {}).status().message(),
              HasSubstr("max_tokens must be positive"));
  EXPECT_THAT(Batcher::Create(&examples, Options(8), {}).status().message(),
              HasSubstr("raise max_tokens or lower max_positions"));
  std::vector<Example> empty_side(1);
  empty_side[0].source = {kEos};
  EXPECT_THAT(Batcher::Create(&empty_side, Options(), {}).status().message(),
              HasSubstr("empty side"));
}

}  // namespace
}  // namespace core
