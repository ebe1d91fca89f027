// The default dataset built from the real Debian package, end to end: prepare (about 8 s),
// load, batch with the default token budget, and report the padding (see the test log).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "core/data/batcher.h"
#include "core/data/dataset_builder.h"
#include "core/data/ding_extractor.h"
#include "core/data/parallel_dataset.h"
#include "core/metrics/bleu.h"
#include "core/metrics/chrf.h"

namespace core {
namespace {

int64_t Count(const DatasetManifest& manifest, const std::string& name) {
  for (const auto& [count_name, value] : manifest.counts) {
    if (count_name == name) return value;
  }
  return -1;
}

TEST(RealDatasetTest, PreparesLoadsAndBatchesTheDingCorpus) {
  if (!std::filesystem::exists(kDefaultDingPath)) {
    GTEST_SKIP() << kDefaultDingPath << " is missing (Debian/Ubuntu package trans-de-en)";
  }
  DatasetBuildOptions build;
  build.output_dir = std::string(getenv("TEST_TMPDIR")) + "/data/ding-de-en";
  const auto start = std::chrono::steady_clock::now();
  const absl::StatusOr<DatasetBuildResult> built = BuildDataset(build);
  ASSERT_TRUE(built.ok()) << built.status();
  std::printf("prepare_data (defaults) took %.1f s\n%s",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
              built->summary.c_str());
  EXPECT_EQ(Count(built->manifest, "ding_unique_pairs"), 20211);
  EXPECT_EQ(Count(built->manifest, "ding_unique_german"), 20063);
  // Four pairs differ only in typographic vs ASCII apostrophes.
  EXPECT_EQ(Count(built->manifest, "pairs"), 20207);
  EXPECT_EQ(Count(built->manifest, "train_pairs"), 18207);
  EXPECT_EQ(Count(built->manifest, "valid_pairs"), 1000);
  EXPECT_EQ(Count(built->manifest, "test_pairs"), 1000);
  EXPECT_EQ(Count(built->manifest, "vocab_size"), 8000);
  EXPECT_EQ(Count(built->manifest, "subword_roundtrip_mismatches"), 0);

  for (const std::string direction : {"de-en", "en-de"}) {
    ParallelDatasetOptions options;
    options.dir = built->dataset_dir;
    options.direction = *ParseTranslationDirection(direction);
    const absl::StatusOr<ParallelDataset> train = ParallelDataset::Load(options);
    ASSERT_TRUE(train.ok()) << train.status();
    EXPECT_EQ(train->stats().pairs, 18207);
    for (int64_t max_tokens : {1024, 4096}) {
      BatcherOptions batching;
      batching.max_tokens = max_tokens;
      absl::StatusOr<Batcher> batcher = Batcher::Create(
          &train->examples(), batching, {train->model().pad_id(), train->model().bos_id()});
      ASSERT_TRUE(batcher.ok()) << batcher.status();
      PaddingStats padding;
      const int64_t batches = batcher->BatchCount(1);
      for (int64_t b = 0; b < batches; ++b) padding.Add(batcher->Next());
      std::printf(
          "%s train: %zu pairs (%lld dropped by max_positions), %lld source + %lld target tokens; "
          "max_tokens %lld: %lld batches, padding fraction %.4f\n",
          direction.c_str(), train->examples().size(),
          static_cast<long long>(train->stats().too_long),
          static_cast<long long>(train->stats().source_tokens),
          static_cast<long long>(train->stats().target_tokens), static_cast<long long>(max_tokens),
          static_cast<long long>(padding.batches), padding.padding_fraction());
      EXPECT_LT(padding.padding_fraction(), 0.15);
    }
  }

  // Scoring the references against themselves after a decode round trip gives 100.
  ParallelDatasetOptions options;
  options.dir = built->dataset_dir;
  options.split = "valid";
  const ParallelDataset valid = *ParallelDataset::Load(options);
  BleuStatistics bleu;
  ChrfStatistics chrf;
  for (const Example& example : valid.examples()) {
    const std::string decoded =
        *valid.model().Decode(std::vector<int>(example.target.begin(), example.target.end()));
    ASSERT_TRUE(bleu.Add(decoded, {valid.target_line(example.line)}).ok());
    ASSERT_TRUE(chrf.Add(decoded, {valid.target_line(example.line)}).ok());
  }
  EXPECT_EQ(bleu.Score().Format().substr(0, 13), "BLEU = 100.00");
  EXPECT_EQ(chrf.Score().Format(), "chrF2 = 100.00");
}

}  // namespace
}  // namespace core
