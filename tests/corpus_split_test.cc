// The hash split: exact sizes, disjoint German sides, determinism, order independence.
#include "core/data/corpus_split.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "absl/strings/str_cat.h"

namespace core {
namespace {

using ::testing::HasSubstr;

// 600 pairs over 500 German sentences: every fifth German sentence has 2 or 3 translations.
std::vector<SentencePair> Corpus() {
  std::vector<SentencePair> pairs;
  for (int i = 0; i < 500; ++i) {
    const std::string german = absl::StrCat("Satz Nummer ", i, ".");
    pairs.push_back({german, absl::StrCat("Sentence number ", i, ".")});
    if (i % 5 == 0) pairs.push_back({german, absl::StrCat("Sentence no. ", i, ".")});
    if (i % 10 == 0) pairs.push_back({german, absl::StrCat("Clause ", i, ".")});
  }
  return pairs;
}

std::set<std::string> Germans(const std::vector<SentencePair>& pairs) {
  std::set<std::string> german;
  for (const SentencePair& pair : pairs) german.insert(pair.german);
  return german;
}

TEST(CorpusSplitTest, ExactSizesAndNoGermanSentenceInTwoSplits) {
  const std::vector<SentencePair> pairs = Corpus();
  SplitOptions options;
  options.valid_pairs = 40;
  options.test_pairs = 30;
  const absl::StatusOr<CorpusSplit> split = SplitCorpus(pairs, options);
  ASSERT_TRUE(split.ok()) << split.status();
  EXPECT_EQ(split->valid.size(), 40u);
  EXPECT_EQ(split->test.size(), 30u);
  EXPECT_EQ(split->train.size(), pairs.size() - 70);

  const std::set<std::string> train = Germans(split->train);
  const std::set<std::string> valid = Germans(split->valid);
  const std::set<std::string> test = Germans(split->test);
  for (const std::string& german : valid) {
    EXPECT_EQ(train.count(german) + test.count(german), 0u) << german;
  }
  for (const std::string& german : test) EXPECT_EQ(train.count(german), 0u) << german;

  // Every pair lands in exactly one split.
  std::multiset<SentencePair> all(split->train.begin(), split->train.end());
  all.insert(split->valid.begin(), split->valid.end());
  all.insert(split->test.begin(), split->test.end());
  EXPECT_EQ(all, std::multiset<SentencePair>(pairs.begin(), pairs.end()));
}

TEST(CorpusSplitTest, DeterministicAndIndependentOfInputOrder) {
  const std::vector<SentencePair> pairs = Corpus();
  std::vector<SentencePair> shuffled = pairs;
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(7));
  SplitOptions options;
  options.valid_pairs = 50;
  options.test_pairs = 50;
  const CorpusSplit first = *SplitCorpus(pairs, options);
  const CorpusSplit again = *SplitCorpus(pairs, options);
  const CorpusSplit reordered = *SplitCorpus(shuffled, options);
  EXPECT_EQ(first.valid, again.valid);
  EXPECT_EQ(first.test, again.test);
  EXPECT_EQ(first.train, again.train);
  EXPECT_EQ(std::set<SentencePair>(first.valid.begin(), first.valid.end()),
            std::set<SentencePair>(reordered.valid.begin(), reordered.valid.end()));
  EXPECT_EQ(std::set<SentencePair>(first.test.begin(), first.test.end()),
            std::set<SentencePair>(reordered.test.begin(), reordered.test.end()));
  // Each split keeps the input's relative order.
  EXPECT_TRUE(std::is_sorted(
      first.train.begin(), first.train.end(), [&](const SentencePair& a, const SentencePair& b) {
        return std::find(pairs.begin(), pairs.end(), a) < std::find(pairs.begin(), pairs.end(), b);
      }));
}

TEST(CorpusSplitTest, TooSmallCorpusIsAnError) {
  SplitOptions options;  // 1,000 + 1,000
  const absl::StatusOr<CorpusSplit> split = SplitCorpus(Corpus(), options);
  EXPECT_TRUE(absl::IsInvalidArgument(split.status()));
  EXPECT_THAT(split.status().message(), HasSubstr("too small"));
  EXPECT_FALSE(SplitCorpus({}, options).ok());
}

}  // namespace
}  // namespace core
