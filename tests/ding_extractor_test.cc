// The Ding extraction rules of docs/data.md on inline lines in the dictionary's
// format (the real file is checked by ding_real_data_test).
#include "core/data/ding_extractor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

namespace core {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<SentencePair> Extract(const std::vector<std::string>& lines,
                                  DingStats* stats = nullptr) {
  DingExtractor extractor;
  for (const std::string& line : lines) extractor.AddLine(line);
  if (stats != nullptr) *stats = extractor.stats();
  return extractor.pairs();
}

SentencePair Pair(const std::string& german, const std::string& english) {
  return {german, english};
}

TEST(DingExtractorTest, RemovesAnnotationsKeepsParentheses) {
  EXPECT_EQ(RemoveDingAnnotations("Aal {m} (auf der Speisekarte) [cook.]"),
            "Aal (auf der Speisekarte)");
  EXPECT_EQ(RemoveDingAnnotations("eel-smoking business <eelsmoking business>  <x>"),
            "eel-smoking business");
  EXPECT_EQ(RemoveDingAnnotations("a{b}c"), "a c");
  // An unclosed bracket is text, not an annotation.
  EXPECT_EQ(RemoveDingAnnotations("3 < 4 und {offen"), "3 < 4 und {offen");
}

TEST(DingExtractorTest, SubEntriesAlignByPosition) {
  EXPECT_THAT(
      Extract({"Zug {m} [transp.] | Züge {pl} | Der Zug fährt auf Gleis 2 ein. :: train | "
               "trains | The train is arriving at platform 2."}),
      ElementsAre(Pair("Der Zug fährt auf Gleis 2 ein.", "The train is arriving at platform 2.")));
}

TEST(DingExtractorTest, AlternativesPairInOrderWhenCountsMatch) {
  EXPECT_THAT(Extract({"Er kommt heute {adv}.; Sie kommt morgen [ugs.]. :: He is coming "
                       "today.; She is coming tomorrow [coll.]."}),
              ElementsAre(Pair("Er kommt heute .", "He is coming today."),
                          Pair("Sie kommt morgen .", "She is coming tomorrow .")));
}

TEST(DingExtractorTest, OnlyFirstAlternativesPairWhenCountsDiffer) {
  EXPECT_THAT(Extract({"Das ist gut so!; Das passt schon!; So ist es gut! :: That's fine!; "
                       "That will do!"}),
              ElementsAre(Pair("Das ist gut so!", "That's fine!")));
}

TEST(DingExtractorTest, KeepsOnlySentences) {
  DingStats stats;
  const std::vector<SentencePair> pairs = Extract(
      {
          "# Version :: devel",                 // header
          "",                                   // blank
          "Ja, gern. :: Yes, please.",          // 2 German words
          "der große Hund :: the big dog",      // no final punctuation
          "Er kommt heute. :: he comes today",  // English side not a sentence
          "Wer kommt heute mit? :: Who is coming along today?",
          "Hilfe, es brennt hier! :: Help, there is a fire here!",
          "Wer kommt heute mit? :: Who is coming along today?",  // duplicate
          "Wer kommt heute mit? :: Who's coming along today?",   // same German, other English
      },
      &stats);
  EXPECT_THAT(pairs, ElementsAre(Pair("Wer kommt heute mit?", "Who is coming along today?"),
                                 Pair("Hilfe, es brennt hier!", "Help, there is a fire here!"),
                                 Pair("Wer kommt heute mit?", "Who's coming along today?")));
  EXPECT_EQ(stats.lines, 9);
  EXPECT_EQ(stats.header_lines, 2);
  EXPECT_EQ(stats.malformed_lines, 0);
  EXPECT_EQ(stats.candidate_pairs, 7);
  EXPECT_EQ(stats.sentence_pairs, 4);
  EXPECT_EQ(stats.unique_pairs, 3);
  EXPECT_EQ(stats.unique_german, 2);
}

TEST(DingExtractorTest, SentenceRulesAreOptions) {
  DingOptions options;
  options.min_german_words = 2;
  options.sentence_final = ".";
  DingExtractor extractor(options);
  extractor.AddLine("Ja, gern. :: Yes, please.");
  extractor.AddLine("Wer kommt heute mit? :: Who is coming along today?");
  EXPECT_THAT(extractor.pairs(), ElementsAre(Pair("Ja, gern.", "Yes, please.")));
}

TEST(DingExtractorTest, MalformedLinesAreSkippedAndCounted) {
  DingStats stats;
  EXPECT_TRUE(Extract({"Das ist ein Satz. | zwei :: This is a sentence.",
                       "Das ist ein Satz. ohne Trenner", "A :: B :: C ist ein Satz."},
                      &stats)
                  .empty());
  EXPECT_EQ(stats.malformed_lines, 3);
}

TEST(DingExtractorTest, FileErrorsAreClear) {
  const absl::StatusOr<DingCorpus> missing = ExtractDingFile("/nonexistent/de-en");
  EXPECT_TRUE(absl::IsNotFound(missing.status()));
  EXPECT_THAT(missing.status().message(), HasSubstr("trans-de-en"));

  const std::string empty = std::string(getenv("TEST_TMPDIR")) + "/empty-de-en";
  std::ofstream(empty) << "# header only\nHund {m} :: dog\n";
  const absl::StatusOr<DingCorpus> none = ExtractDingFile(empty);
  EXPECT_TRUE(absl::IsInvalidArgument(none.status()));
  EXPECT_THAT(none.status().message(), HasSubstr("no sentence pairs"));

  const std::string binary = std::string(getenv("TEST_TMPDIR")) + "/binary-de-en";
  std::ofstream(binary) << "Das ist ein Satz. :: This is a sentence.\n\xff\xfe\n";
  EXPECT_THAT(ExtractDingFile(binary).status().message(), HasSubstr(":2: invalid UTF-8"));
}

}  // namespace
}  // namespace core
