// manifest.json: writing, reading the settings back, describing differences.
#include "core/data/dataset_manifest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/util/text_file.h"

namespace core {
namespace {

using ::testing::HasSubstr;

TEST(DatasetManifestTest, SettingsRoundTripThroughJson) {
  DatasetManifest manifest;
  manifest.settings = {{"ding_path", "/usr/share/trans/de-en"},
                       {"tricky", "quote \" backslash \\ tab \t newline \n end"},
                       {"vocab_size", "8000"}};
  manifest.counts = {{"train_pairs", 18207}, {"valid_pairs", 1000}};
  manifest.files = {{"train.de", 907721, "95fa44"}};
  const std::string json = manifest.ToJson();
  EXPECT_THAT(json, HasSubstr("\"format\": \"admin-trainer-dataset-1\""));
  EXPECT_THAT(json, HasSubstr("\"train_pairs\": 18207,\n"));
  const nlohmann::json parsed = nlohmann::json::parse(json);
  EXPECT_EQ(parsed.at("files").at("train.de").at("bytes"), 907721);
  EXPECT_EQ(parsed.at("files").at("train.de").at("sha256"), "95fa44");

  const std::string path = std::string(getenv("TEST_TMPDIR")) + "/manifest.json";
  ASSERT_TRUE(WriteFileAtomically(path, json).ok());
  const absl::StatusOr<DatasetSettings> settings = ReadManifestSettings(path);
  ASSERT_TRUE(settings.ok()) << settings.status();
  EXPECT_EQ(*settings, manifest.settings);
}

TEST(DatasetManifestTest, DescribesDifferences) {
  const DatasetSettings wanted = {{"a", "1"}, {"vocab_size", "4000"}, {"new", "x"}};
  const DatasetSettings existing = {{"a", "1"}, {"vocab_size", "8000"}, {"old", "y"}};
  EXPECT_EQ(DescribeSettingsDifference(wanted, wanted), "");
  EXPECT_EQ(
      DescribeSettingsDifference(wanted, existing),
      "vocab_size: 4000 (existing: 8000); new: x (existing: unset); old: unset (existing: y)");
}

TEST(DatasetManifestTest, RejectsOtherFiles) {
  EXPECT_TRUE(absl::IsNotFound(ReadManifestSettings("/nonexistent/manifest.json").status()));
  const std::string path = std::string(getenv("TEST_TMPDIR")) + "/other.json";
  std::ofstream(path) << "{\n  \"something\": 1\n}\n";
  EXPECT_THAT(ReadManifestSettings(path).status().message(), HasSubstr("not a manifest"));
  std::ofstream(path) << "{\n  \"format\": \"admin-trainer-dataset-1\",\n  \"settings\": {\n";
  EXPECT_THAT(ReadManifestSettings(path).status().message(), HasSubstr(path + ": not JSON"));
}

}  // namespace
}  // namespace core
