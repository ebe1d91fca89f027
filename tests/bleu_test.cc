// Corpus BLEU against sacreBLEU: the published test vector of docs/data.md and edge
// cases (expected lines computed with sacreBLEU 2.x's formulas).
#include "core/metrics/bleu.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace core {
namespace {

using ::testing::HasSubstr;

const std::vector<std::string> kHypotheses = {"The dog bit the man.", "It wasn't surprising.",
                                              "The man had just bitten him."};
const std::vector<std::vector<std::string>> kReferences = {
    {"The dog bit the man.", "It was not unexpected.", "The man bit him first."},
    {"The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."}};

std::string Bleu(const std::vector<std::string>& hypotheses,
                 const std::vector<std::vector<std::string>>& references) {
  const absl::StatusOr<BleuScore> score = CorpusBleu(hypotheses, references);
  EXPECT_TRUE(score.ok()) << score.status();
  return score.ok() ? score->Format() : "";
}

TEST(BleuTest, ReproducesSacreBleusTestVector) {
  const absl::StatusOr<BleuScore> score = CorpusBleu(kHypotheses, kReferences);
  ASSERT_TRUE(score.ok());
  EXPECT_EQ(
      score->Format(),
      "BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)");
  EXPECT_EQ(score->correct, (std::array<int64_t, 4>{14, 7, 5, 3}));
  EXPECT_EQ(score->total, (std::array<int64_t, 4>{17, 14, 11, 8}));
  EXPECT_NEAR(score->score, 48.530827, 1e-6);
  EXPECT_EQ(score->Signature(),
            "nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:admin_trainer-1");
}

TEST(BleuTest, IncrementalEqualsCorpus) {
  BleuStatistics statistics;
  for (size_t i = 0; i < kHypotheses.size(); ++i) {
    ASSERT_TRUE(statistics.Add(kHypotheses[i], {kReferences[0][i], kReferences[1][i]}).ok());
  }
  EXPECT_EQ(statistics.sentences(), 3);
  EXPECT_EQ(statistics.Score().Format(), CorpusBleu(kHypotheses, kReferences)->Format());
}

TEST(BleuTest, EmptyHypothesis) {
  EXPECT_EQ(Bleu({""}, {{"The dog bites."}}),
            "BLEU = 0.00 0.0/0.0/0.0/0.0 (BP = 0.000 ratio = 0.000 hyp_len = 0 ref_len = 4)");
}

TEST(BleuTest, ZeroMatches) {
  EXPECT_EQ(Bleu({"xyz qqq"}, {{"The dog bites."}}),
            "BLEU = 0.00 0.0/0.0/0.0/0.0 (BP = 0.368 ratio = 0.500 hyp_len = 2 ref_len = 4)");
}

TEST(BleuTest, MissingHigherOrdersScoreZero) {
  // A one-token corpus has no bigrams: sacreBLEU stops and the score is 0.
  EXPECT_EQ(Bleu({"Hi"}, {{"Hi"}}),
            "BLEU = 0.00 100.0/0.0/0.0/0.0 (BP = 1.000 ratio = 1.000 hyp_len = 1 ref_len = 1)");
}

TEST(BleuTest, ExpSmoothing) {
  EXPECT_EQ(Bleu({"The dog bit the man"}, {{"The dog bit a man"}}),
            "BLEU = 42.73 80.0/50.0/33.3/25.0 (BP = 1.000 ratio = 1.000 hyp_len = 5 ref_len = 5)");
}

TEST(BleuTest, ClosestReferenceLengthTiesToTheShorter) {
  EXPECT_EQ(Bleu({"a b c d e"}, {{"a b c"}, {"a b c d e f g"}}),
            "BLEU = 100.00 100.0/100.0/100.0/100.0 (BP = 1.000 ratio = 1.667 hyp_len = 5 "
            "ref_len = 3)");
  EXPECT_EQ(Bleu({"a b c d e"}, {{"a b c d"}, {"a b c d e f"}}),
            "BLEU = 100.00 100.0/100.0/100.0/100.0 (BP = 1.000 ratio = 1.250 hyp_len = 5 "
            "ref_len = 4)");
}

TEST(BleuTest, MultipleReferencesWithGapsAndTokenization) {
  // The second reference stream has no reference for sentence 2 (an empty line).
  const std::vector<std::vector<std::string>> references = {
      {"Der Zug fährt ein.", "Hallo Welt!", "3.5 fold"},
      {"Der Zug fährt auf Gleis 2 ein.", "", "3,5-fold"}};
  const absl::StatusOr<BleuScore> score =
      CorpusBleu({"Der Zug fährt auf Gleis 2 ein.", "Hallo, Welt!", "3.5-fold"}, references);
  ASSERT_TRUE(score.ok());
  EXPECT_EQ(
      score->Format(),
      "BLEU = 78.97 93.3/75.0/66.7/83.3 (BP = 1.000 ratio = 1.071 hyp_len = 15 ref_len = 14)");
  EXPECT_THAT(score->Signature(), HasSubstr("nrefs:var|"));
  EXPECT_EQ(
      Bleu({"„Zitat“ – 1,000.5 & mehr…", "e.g. U.S.A.", "$5 @home"},
           {{"\"Zitat\" - 1,000.5 &amp; mehr...", "e.g. USA", "5$ at home"}}),
      "BLEU = 20.66 47.4/25.0/15.4/10.0 (BP = 1.000 ratio = 1.000 hyp_len = 19 ref_len = 19)");
}

TEST(BleuTest, EmptyCorpusScoresZero) {
  EXPECT_EQ(Bleu({}, {{}}),
            "BLEU = 0.00 0.0/0.0/0.0/0.0 (BP = 1.000 ratio = 0.000 hyp_len = 0 ref_len = 0)");
  EXPECT_EQ(BleuStatistics().Score().num_refs, 0);
}

TEST(BleuTest, Errors) {
  EXPECT_THAT(CorpusBleu({"a"}, {{""}}).status().message(),
              HasSubstr("sentence 1: every reference of the sentence is empty"));
  EXPECT_THAT(CorpusBleu({"a", "b"}, {{"a"}}).status().message(),
              HasSubstr("reference stream 1 has 1 sentences"));
  EXPECT_FALSE(CorpusBleu({"a"}, {}).ok());
}

}  // namespace
}  // namespace core
