// Loading a split of a prepared dataset: EOS, directions, the position filter, the cache,
// and clear errors for broken datasets.
#include "core/data/parallel_dataset.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "core/data/dataset_builder.h"
#include "core/data/dataset_layout.h"
#include "tests/synthetic_ding.h"

namespace core {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class ParallelDatasetTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const fs::path root = fs::path(getenv("TEST_TMPDIR")) / "parallel";
    fs::create_directories(root);
    DatasetBuildOptions options;
    options.ding_path = testing_data::WriteSyntheticDing((root / "de-en").string(), 800);
    options.output_dir = (root / "dataset").string();
    options.split.valid_pairs = 40;
    options.split.test_pairs = 40;
    options.subword.vocab_size = 360;
    const absl::StatusOr<DatasetBuildResult> built = BuildDataset(options);
    ASSERT_TRUE(built.ok()) << built.status();
    dir_ = new std::string(built->dataset_dir);
  }

  // A copy of the dataset that a test may break.
  static std::string Copy(const std::string& name) {
    const fs::path copy = fs::path(getenv("TEST_TMPDIR")) / name;
    fs::remove_all(copy);
    fs::copy(*dir_, copy, fs::copy_options::recursive);
    return copy.string();
  }

  static ParallelDatasetOptions Options(const std::string& split = "valid") {
    ParallelDatasetOptions options;
    options.dir = *dir_;
    options.split = split;
    return options;
  }

  static std::string* dir_;
};

std::string* ParallelDatasetTest::dir_ = nullptr;

TEST_F(ParallelDatasetTest, LoadsWithEosAndKeepsRawLines) {
  const absl::StatusOr<ParallelDataset> valid = ParallelDataset::Load(Options());
  ASSERT_TRUE(valid.ok()) << valid.status();
  ASSERT_EQ(valid->examples().size(), 40u);
  EXPECT_EQ(valid->stats().pairs, 40);
  EXPECT_EQ(valid->stats().too_long, 0);
  const int eos = valid->model().eos_id();
  for (const Example& example : valid->examples()) {
    ASSERT_GE(example.source.size(), 2u);
    EXPECT_EQ(example.source.back(), eos);
    EXPECT_EQ(example.target.back(), eos);
    // Decoding the target (EOS decodes to nothing) gives the raw reference line.
    const std::vector<int> ids(example.target.begin(), example.target.end());
    EXPECT_EQ(*valid->model().Decode(ids), valid->target_line(example.line));
    EXPECT_THAT(valid->source_line(example.line), HasSubstr(" "));
  }
  // de-en by default: German source.
  EXPECT_THAT(valid->source_line(0),
              testing::AnyOf(HasSubstr("Der "), HasSubstr("Die "), HasSubstr("Das "),
                             HasSubstr("Ein "), HasSubstr("Meine "), HasSubstr("Unser ")));
}

TEST_F(ParallelDatasetTest, DirectionSwapsSides) {
  ParallelDatasetOptions options = Options();
  options.direction = *ParseTranslationDirection("en-de");
  const absl::StatusOr<ParallelDataset> en_de = ParallelDataset::Load(options);
  const absl::StatusOr<ParallelDataset> de_en = ParallelDataset::Load(Options());
  ASSERT_TRUE(en_de.ok() && de_en.ok());
  ASSERT_EQ(en_de->examples().size(), de_en->examples().size());
  for (size_t i = 0; i < de_en->examples().size(); ++i) {
    EXPECT_EQ(en_de->examples()[i].source, de_en->examples()[i].target);
    EXPECT_EQ(en_de->examples()[i].target, de_en->examples()[i].source);
  }
  EXPECT_EQ(en_de->source_line(3), de_en->target_line(3));
  EXPECT_THAT(ParseTranslationDirection("fr-en").status().message(), HasSubstr("de-en or en-de"));
  EXPECT_THAT(ParseTranslationDirection("de-ne").status().message(),
              HasSubstr("did you mean 'de-en'?"));
  EXPECT_EQ(TranslationDirectionName(TranslationDirection::kEnglishToGerman), "en-de");
}

TEST_F(ParallelDatasetTest, FiltersPairsLongerThanMaxPositions) {
  ParallelDatasetOptions options = Options("train");
  options.max_positions = 0;
  const ParallelDataset all = *ParallelDataset::Load(options);
  std::vector<size_t> lengths;
  for (const Example& example : all.examples()) {
    lengths.push_back(std::max(example.source.size(), example.target.size()));
  }
  std::sort(lengths.begin(), lengths.end());
  const size_t limit = lengths[lengths.size() / 2];
  const size_t longer =
      static_cast<size_t>(lengths.end() - std::upper_bound(lengths.begin(), lengths.end(), limit));
  ASSERT_GT(longer, 0u);
  options.max_positions = static_cast<int>(limit);
  const ParallelDataset filtered = *ParallelDataset::Load(options);
  EXPECT_EQ(filtered.stats().too_long, static_cast<int64_t>(longer));
  EXPECT_EQ(filtered.examples().size() + longer, all.examples().size());
  for (const Example& example : filtered.examples()) {
    EXPECT_LE(example.source.size(), limit);
    EXPECT_LE(example.target.size(), limit);
  }
  options.max_positions = 1;  // nothing fits
  EXPECT_THAT(ParallelDataset::Load(options).status().message(), HasSubstr("fits max_positions"));
}

TEST_F(ParallelDatasetTest, SecondLoadReadsTheCache) {
  const std::string dir = Copy("cached");
  ParallelDatasetOptions options = Options("test");
  options.dir = dir;
  const ParallelDataset first = *ParallelDataset::Load(options);
  EXPECT_EQ(first.stats().cache, "encoded, cached");
  const ParallelDataset second = *ParallelDataset::Load(options);
  EXPECT_EQ(second.stats().cache, "read from cache");
  ASSERT_EQ(first.examples().size(), second.examples().size());
  for (size_t i = 0; i < first.examples().size(); ++i) {
    EXPECT_EQ(first.examples()[i].source, second.examples()[i].source);
    EXPECT_EQ(first.examples()[i].target, second.examples()[i].target);
  }
  options.use_cache = false;
  EXPECT_EQ(ParallelDataset::Load(options)->stats().cache, "encoded, cache off");
}

TEST_F(ParallelDatasetTest, MissingDirectoryOrFiles) {
  ParallelDatasetOptions options = Options();
  options.dir = "/nonexistent/dataset";
  const absl::Status no_dir = ParallelDataset::Load(options).status();
  EXPECT_TRUE(absl::IsNotFound(no_dir));
  EXPECT_THAT(no_dir.message(), HasSubstr("prepare_data"));

  options = Options("dev");
  EXPECT_THAT(ParallelDataset::Load(options).status().message(), HasSubstr("dev.de: no such file"));

  options.dir = Copy("no_model");
  options.split = "valid";
  fs::remove(fs::path(options.dir) / kSubwordModelFileName);
  EXPECT_THAT(ParallelDataset::Load(options).status().message(), HasSubstr("spm.model"));
}

TEST_F(ParallelDatasetTest, LineCountMismatchNamesWhereTheShortFileEnds) {
  ParallelDatasetOptions options = Options();
  options.dir = Copy("mismatch");
  std::ofstream((fs::path(options.dir) / "valid.de").string()) << "Eins.\nZwei.\nDrei.\n";
  std::ofstream((fs::path(options.dir) / "valid.en").string()) << "One.\nTwo.\n";
  const absl::Status status = ParallelDataset::Load(options).status();
  EXPECT_TRUE(absl::IsInvalidArgument(status));
  EXPECT_THAT(status.message(), HasSubstr("valid.en ends after line 2"));
  EXPECT_THAT(status.message(), HasSubstr("valid.de has 3 lines"));
}

TEST_F(ParallelDatasetTest, InvalidUtf8AndLongLinesNameTheLine) {
  ParallelDatasetOptions options = Options();
  options.dir = Copy("bad_text");
  std::ofstream((fs::path(options.dir) / "valid.de").string()) << "Gut.\nSchlecht \xe4.\n";
  std::ofstream((fs::path(options.dir) / "valid.en").string()) << "Good.\nBad.\n";
  EXPECT_THAT(ParallelDataset::Load(options).status().message(),
              HasSubstr("valid.de:2: invalid UTF-8 at byte 10"));

  std::ofstream((fs::path(options.dir) / "valid.de").string()) << "Gut.\n"
                                                               << std::string(5000, 'a') << "\n";
  EXPECT_THAT(ParallelDataset::Load(options).status().message(),
              HasSubstr("valid.de:2: line is 5000 bytes"));
}

TEST_F(ParallelDatasetTest, UnreadableModelIsAnError) {
  ParallelDatasetOptions options = Options();
  options.dir = Copy("bad_model");
  std::ofstream((fs::path(options.dir) / kSubwordModelFileName).string()) << "garbage";
  EXPECT_THAT(ParallelDataset::Load(options).status().message(),
              HasSubstr("not a readable SentencePiece model"));
}

}  // namespace
}  // namespace core
