// Corpus chrF2 against sacreBLEU: the test vector of docs/data.md and edge cases
// (expected values computed with sacreBLEU 2.x's formulas).
#include "core/metrics/chrf.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace core {
namespace {

using ::testing::HasSubstr;

std::string Chrf(const std::vector<std::string>& hypotheses,
                 const std::vector<std::vector<std::string>>& references) {
  const absl::StatusOr<ChrfScore> score = CorpusChrf(hypotheses, references);
  EXPECT_TRUE(score.ok()) << score.status();
  return score.ok() ? score->Format() : "";
}

TEST(ChrfTest, ReproducesSacreBleusTestVector) {
  const absl::StatusOr<ChrfScore> score = CorpusChrf(
      {"The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."},
      {{"The dog bit the man.", "It was not unexpected.", "The man bit him first."},
       {"The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."}});
  ASSERT_TRUE(score.ok());
  EXPECT_EQ(score->Format(), "chrF2 = 59.73");
  EXPECT_EQ(score->Signature(),
            "nrefs:2|case:mixed|eff:yes|nc:6|nw:0|space:no|version:admin_trainer-1");
}

TEST(ChrfTest, EdgeCases) {
  EXPECT_EQ(Chrf({""}, {{"The dog bites."}}), "chrF2 = 0.00");         // empty hypothesis
  EXPECT_EQ(Chrf({"xyz qqq"}, {{"The dog bites."}}), "chrF2 = 0.00");  // no match
  EXPECT_EQ(Chrf({"Hi"}, {{"Hi"}}), "chrF2 = 100.00");
  EXPECT_EQ(Chrf({"The dog bit the man"}, {{"The dog bit a man"}}), "chrF2 = 66.49");
  // White space does not count.
  EXPECT_EQ(Chrf({"The dogbit  the man"}, {{"The dog bit a man"}}), "chrF2 = 66.49");
  EXPECT_EQ(Chrf({}, {{}}), "chrF2 = 0.00");  // empty corpus
}

TEST(ChrfTest, BestReferencePerSentence) {
  EXPECT_EQ(Chrf({"a b c d e"}, {{"a b c"}, {"a b c d e f g"}}), "chrF2 = 82.06");
  EXPECT_EQ(Chrf({"a b c d e"}, {{"a b c d"}, {"a b c d e f"}}), "chrF2 = 91.37");
  const std::vector<std::vector<std::string>> references = {
      {"Der Zug fährt ein.", "Hallo Welt!", "3.5 fold"},
      {"Der Zug fährt auf Gleis 2 ein.", "", "3,5-fold"}};
  const absl::StatusOr<ChrfScore> score =
      CorpusChrf({"Der Zug fährt auf Gleis 2 ein.", "Hallo, Welt!", "3.5-fold"}, references);
  EXPECT_EQ(score->Format(), "chrF2 = 85.79");
  EXPECT_THAT(score->Signature(), HasSubstr("nrefs:var|"));
  // Characters, not bytes: umlauts and typographic quotes are one character each.
  EXPECT_EQ(Chrf({"„Zitat“ – 1,000.5 & mehr…", "e.g. U.S.A.", "$5 @home"},
                 {{"\"Zitat\" - 1,000.5 &amp; mehr...", "e.g. USA", "5$ at home"}}),
            "chrF2 = 39.90");
}

TEST(ChrfTest, Errors) {
  EXPECT_THAT(CorpusChrf({"a"}, {{""}}).status().message(), HasSubstr("every reference"));
  EXPECT_THAT(CorpusChrf({"a", "b"}, {{"a"}}).status().message(), HasSubstr("reference stream 1"));
}

}  // namespace
}  // namespace core
