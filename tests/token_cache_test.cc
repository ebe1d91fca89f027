// The token id cache: first call encodes and writes, second reads, keys follow the text.
#include "core/data/token_cache.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "core/util/text_file.h"

namespace core {
namespace {

namespace fs = std::filesystem;

class TokenCacheTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::vector<std::string> sentences;
    for (int i = 0; i < 300; ++i) {
      sentences.push_back(absl::StrCat("Die Katze zählt ", i, " Vögel."));
      sentences.push_back(absl::StrCat("The cat counts ", i, " birds."));
    }
    SubwordTrainingOptions options;
    options.vocab_size = 300;
    options.log_path = std::string(getenv("TEST_TMPDIR")) + "/spm.log";
    const std::string prefix = std::string(getenv("TEST_TMPDIR")) + "/cache_model";
    ASSERT_TRUE(SubwordModel::Train(sentences, options, prefix).ok());
    model_bytes_ = new std::string(*ReadFileBytes(prefix + ".model"));
    model_ = SubwordModel::Load(prefix + ".model")->release();
  }

  static std::string* model_bytes_;
  static SubwordModel* model_;
};

std::string* TokenCacheTest::model_bytes_ = nullptr;
SubwordModel* TokenCacheTest::model_ = nullptr;

TEST_F(TokenCacheTest, EncodesOnceThenReads) {
  const std::string dir = std::string(getenv("TEST_TMPDIR")) + "/cache";
  const std::vector<std::string> lines = {"Die Katze zählt 7 Vögel.", "", "The cat counts."};
  const absl::StatusOr<TokenCacheResult> first =
      EncodeWithCache(lines, *model_, *model_bytes_, dir, "train.de");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(first->from_cache);
  EXPECT_EQ(first->warning, "");
  EXPECT_TRUE(fs::exists(first->cache_path));
  ASSERT_EQ(first->ids.size(), 3u);
  EXPECT_TRUE(first->ids[1].empty());
  const std::vector<int> expected = *model_->Encode(lines[0]);
  EXPECT_EQ(first->ids[0], std::vector<int32_t>(expected.begin(), expected.end()));

  const absl::StatusOr<TokenCacheResult> second =
      EncodeWithCache(lines, *model_, *model_bytes_, dir, "train.de");
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->from_cache);
  EXPECT_EQ(second->ids, first->ids);

  // Other text: another key, another file.
  const absl::StatusOr<TokenCacheResult> other =
      EncodeWithCache({"Die Katze."}, *model_, *model_bytes_, dir, "train.de");
  EXPECT_FALSE(other->from_cache);
  EXPECT_NE(other->cache_path, first->cache_path);
}

TEST_F(TokenCacheTest, CorruptCacheIsReencoded) {
  const std::string dir = std::string(getenv("TEST_TMPDIR")) + "/corrupt";
  const std::vector<std::string> lines = {"The cat counts 3 birds."};
  const TokenCacheResult first = *EncodeWithCache(lines, *model_, *model_bytes_, dir, "x");
  ASSERT_TRUE(WriteFileAtomically(first.cache_path, "ADMTOK01 truncated").ok());
  const TokenCacheResult again = *EncodeWithCache(lines, *model_, *model_bytes_, dir, "x");
  EXPECT_FALSE(again.from_cache);
  EXPECT_EQ(again.ids, first.ids);
  EXPECT_TRUE(EncodeWithCache(lines, *model_, *model_bytes_, dir, "x")->from_cache);
}

TEST_F(TokenCacheTest, UnwritableCacheStillEncodes) {
  const absl::StatusOr<TokenCacheResult> result =
      EncodeWithCache({"The cat."}, *model_, *model_bytes_, "/proc/no/cache", "x");
  ASSERT_TRUE(result.ok());
  EXPECT_FALSE(result->from_cache);
  EXPECT_NE(result->warning, "");
  EXPECT_EQ(result->ids.size(), 1u);
}

TEST_F(TokenCacheTest, NoCacheDirMeansNoCaching) {
  const absl::StatusOr<TokenCacheResult> result =
      EncodeWithCache({"The cat."}, *model_, *model_bytes_, "", "x");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->cache_path, "");
  EXPECT_FALSE(result->from_cache);
}

}  // namespace
}  // namespace core
