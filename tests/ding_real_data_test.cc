// Extraction on the real dictionary of the Debian package trans-de-en (1.9-6): the counts
// that docs/data.md documents. About a second.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "core/data/ding_extractor.h"

namespace core {
namespace {

TEST(DingRealDataTest, ExtractsThe20211DocumentedPairs) {
  if (!std::filesystem::exists(kDefaultDingPath)) {
    GTEST_SKIP() << kDefaultDingPath << " is missing (Debian/Ubuntu package trans-de-en)";
  }
  const absl::StatusOr<DingCorpus> corpus = ExtractDingFile(kDefaultDingPath);
  ASSERT_TRUE(corpus.ok()) << corpus.status();
  EXPECT_EQ(corpus->stats.lines, 206238);
  EXPECT_EQ(corpus->stats.malformed_lines, 0);
  EXPECT_EQ(corpus->stats.unique_pairs, 20211);
  EXPECT_EQ(corpus->stats.unique_german, 20063);
  EXPECT_EQ(corpus->pairs.size(), 20211u);

  double german_words = 0;
  double english_words = 0;
  for (const SentencePair& pair : corpus->pairs) {
    german_words += std::count(pair.german.begin(), pair.german.end(), ' ') + 1;
    english_words += std::count(pair.english.begin(), pair.english.end(), ' ') + 1;
  }
  // docs/data.md §1: mean 7.6 German / 7.9 English words.
  EXPECT_NEAR(german_words / corpus->pairs.size(), 7.6, 0.05);
  EXPECT_NEAR(english_words / corpus->pairs.size(), 7.9, 0.05);

  const std::set<SentencePair> pairs(corpus->pairs.begin(), corpus->pairs.end());
  const SentencePair example{"Der Zug fährt auf Gleis 2 ein.",
                             "The train is arriving at platform 2."};
  EXPECT_EQ(pairs.count(example), 1u);
}

}  // namespace
}  // namespace core
