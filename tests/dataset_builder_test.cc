// Building a dataset directory from a synthetic dictionary: contents, manifest checksums,
// skipping when up to date, refusing or replacing other settings, and never leaving a
// half-written directory.
#include "core/data/dataset_builder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/data/dataset_layout.h"
#include "core/util/sha256.h"
#include "core/util/text_file.h"
#include "tests/synthetic_ding.h"

namespace core {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class DatasetBuilderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path(getenv("TEST_TMPDIR")) /
            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(root_);
    fs::create_directories(root_);
    ding_ = testing_data::WriteSyntheticDing((root_ / "de-en").string(), 1500);
  }

  DatasetBuildOptions Options(const std::string& name = "dataset") const {
    DatasetBuildOptions options;
    options.output_dir = (root_ / "data" / name).string();
    options.ding_path = ding_;
    options.split.valid_pairs = 50;
    options.split.test_pairs = 50;
    options.subword.vocab_size = 400;
    return options;
  }

  // Entries of the data directory, hidden ones included.
  std::vector<std::string> DataEntries() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(root_ / "data")) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  fs::path root_;
  std::string ding_;
};

int64_t Count(const DatasetManifest& manifest, const std::string& name) {
  for (const auto& [count_name, value] : manifest.counts) {
    if (count_name == name) return value;
  }
  return -1;
}

TEST_F(DatasetBuilderTest, BuildsACompleteCheckedDataset) {
  const absl::StatusOr<DatasetBuildResult> result = BuildDataset(Options());
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_FALSE(result->up_to_date);
  EXPECT_EQ(DataEntries(), std::vector<std::string>{"dataset"});  // no temporaries left
  const DatasetManifest& manifest = result->manifest;
  EXPECT_EQ(Count(manifest, "ding_unique_pairs"), 1500);
  EXPECT_EQ(Count(manifest, "pairs"), 1500);
  EXPECT_EQ(Count(manifest, "train_pairs"), 1400);
  EXPECT_EQ(Count(manifest, "valid_pairs"), 50);
  EXPECT_EQ(Count(manifest, "test_pairs"), 50);
  EXPECT_EQ(Count(manifest, "vocab_size"), 400);
  EXPECT_EQ(Count(manifest, "subword_roundtrip_mismatches"), 0);
  ASSERT_EQ(manifest.files.size(), 8u);
  for (const ManifestFile& file : manifest.files) {
    const std::string path = JoinPath(result->dataset_dir, file.name);
    EXPECT_EQ(*Sha256OfFile(path), file.sha256) << file.name;
    EXPECT_EQ(static_cast<int64_t>(fs::file_size(path)), file.bytes) << file.name;
  }
  EXPECT_EQ(ReadTextLines(JoinPath(result->dataset_dir, "train.de"))->size(), 1400u);
  EXPECT_EQ(ReadTextLines(JoinPath(result->dataset_dir, "valid.en"))->size(), 50u);
  EXPECT_THAT(result->summary, HasSubstr("1,400 train, 50 valid, 50 test"));
  const absl::StatusOr<DatasetSettings> settings =
      ReadManifestSettings(JoinPath(result->dataset_dir, kManifestFileName));
  ASSERT_TRUE(settings.ok());
  EXPECT_EQ(*settings, *DatasetBuildSettings(Options()));
}

TEST_F(DatasetBuilderTest, SameSettingsAreANoOp) {
  ASSERT_TRUE(BuildDataset(Options()).ok());
  const std::string model = (root_ / "data/dataset" / kSubwordModelFileName).string();
  const auto modified = fs::last_write_time(model);
  const absl::StatusOr<DatasetBuildResult> again = BuildDataset(Options());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->up_to_date);
  EXPECT_THAT(again->summary, HasSubstr("up to date"));
  EXPECT_EQ(fs::last_write_time(model), modified);
}

TEST_F(DatasetBuilderTest, IdenticalInputsGiveIdenticalFiles) {
  const absl::StatusOr<DatasetBuildResult> first = BuildDataset(Options("first"));
  const absl::StatusOr<DatasetBuildResult> second = BuildDataset(Options("second"));
  ASSERT_TRUE(first.ok() && second.ok());
  ASSERT_EQ(first->manifest.files.size(), second->manifest.files.size());
  for (size_t i = 0; i < first->manifest.files.size(); ++i) {
    EXPECT_EQ(first->manifest.files[i].sha256, second->manifest.files[i].sha256)
        << first->manifest.files[i].name;
  }
}

TEST_F(DatasetBuilderTest, OtherSettingsNeedOverwrite) {
  ASSERT_TRUE(BuildDataset(Options()).ok());
  DatasetBuildOptions options = Options();
  options.subword.vocab_size = 380;
  const absl::StatusOr<DatasetBuildResult> refused = BuildDataset(options);
  EXPECT_TRUE(absl::IsFailedPrecondition(refused.status()));
  EXPECT_THAT(refused.status().message(), HasSubstr("vocab_size=380"));
  EXPECT_THAT(refused.status().message(), HasSubstr("--overwrite"));

  options.overwrite = true;
  const absl::StatusOr<DatasetBuildResult> replaced = BuildDataset(options);
  ASSERT_TRUE(replaced.ok()) << replaced.status();
  EXPECT_EQ(Count(replaced->manifest, "vocab_size"), 380);
  EXPECT_EQ(DataEntries(), std::vector<std::string>{"dataset"});
}

TEST_F(DatasetBuilderTest, ForeignOrIncompleteDirectoryIsNotMistakenForADataset) {
  // What an interrupted run of a naive writer would leave: some files, no manifest. It is
  // neither taken for a dataset nor replaced, even with overwrite.
  fs::create_directories(root_ / "data/dataset");
  std::ofstream((root_ / "data/dataset/train.de").string()) << "Hallo.\n";
  DatasetBuildOptions options = Options();
  options.overwrite = true;
  const absl::StatusOr<DatasetBuildResult> refused = BuildDataset(options);
  EXPECT_TRUE(absl::IsFailedPrecondition(refused.status()));
  EXPECT_THAT(refused.status().message(), HasSubstr("is not a prepared dataset"));
  EXPECT_TRUE(fs::exists(root_ / "data/dataset/train.de"));

  // A complete dataset that lost a file is not up to date either.
  fs::remove_all(root_ / "data/dataset");
  ASSERT_TRUE(BuildDataset(Options()).ok());
  fs::remove(root_ / "data/dataset/test.en");
  EXPECT_THAT(BuildDataset(Options()).status().message(), HasSubstr("lacks test.en"));
  const absl::StatusOr<DatasetBuildResult> repaired = BuildDataset(options);
  ASSERT_TRUE(repaired.ok()) << repaired.status();
  EXPECT_FALSE(repaired->up_to_date);
  EXPECT_TRUE(fs::exists(root_ / "data/dataset/test.en"));
}

TEST_F(DatasetBuilderTest, FailedBuildLeavesNothingBehind) {
  fs::create_directories(root_ / "data");
  // A temporary of a run that died (no such process) is cleaned up; the failure of this
  // run (a vocabulary too large for the corpus) leaves nothing either.
  fs::create_directories(root_ / "data/.dataset.partial-2000000000");
  DatasetBuildOptions options = Options();
  options.subword.vocab_size = 100000;
  const absl::StatusOr<DatasetBuildResult> failed = BuildDataset(options);
  EXPECT_FALSE(failed.ok());
  EXPECT_THAT(failed.status().message(), HasSubstr("SentencePiece training"));
  EXPECT_TRUE(DataEntries().empty());
}

TEST_F(DatasetBuilderTest, ClearErrorsForBadInputs) {
  DatasetBuildOptions options = Options();
  options.ding_path = "/nonexistent/de-en";
  const absl::Status missing = BuildDataset(options).status();
  EXPECT_TRUE(absl::IsNotFound(missing));
  EXPECT_THAT(missing.message(), HasSubstr("install the Debian package trans-de-en"));

  options = Options();
  options.split.valid_pairs = 1500;
  EXPECT_THAT(BuildDataset(options).status().message(), HasSubstr("too small"));

  options = Options();
  options.output_dir = "";
  EXPECT_TRUE(absl::IsInvalidArgument(BuildDataset(options).status()));
}

}  // namespace
}  // namespace core
