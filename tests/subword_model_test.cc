// SentencePiece training, round trip, determinism, special ids and load errors.
#include "core/data/subword_model.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "core/util/text_file.h"

namespace core {
namespace {

using ::testing::HasSubstr;

std::string TempDir() { return getenv("TEST_TMPDIR"); }

std::vector<std::string> Sentences() {
  std::vector<std::string> sentences;
  for (int i = 0; i < 400; ++i) {
    sentences.push_back(absl::StrCat("Der Hund sieht ", i, " Äpfel im Garten."));
    sentences.push_back(absl::StrCat("The dog sees ", i, " apples in the garden."));
  }
  return sentences;
}

SubwordTrainingOptions SmallOptions() {
  SubwordTrainingOptions options;
  options.vocab_size = 320;  // 260 special and byte pieces + characters + merges
  options.log_path = TempDir() + "/spm.log";
  return options;
}

TEST(SubwordModelTest, TrainsDeterministicallyAndRoundTrips) {
  const std::string first = TempDir() + "/first";
  const std::string second = TempDir() + "/second";
  ASSERT_TRUE(SubwordModel::Train(Sentences(), SmallOptions(), first).ok());
  ASSERT_TRUE(SubwordModel::Train(Sentences(), SmallOptions(), second).ok());
  EXPECT_EQ(*ReadFileBytes(first + ".model"), *ReadFileBytes(second + ".model"));
  EXPECT_EQ(*ReadFileBytes(first + ".vocab"), *ReadFileBytes(second + ".vocab"));
  EXPECT_EQ(ReadTextLines(first + ".vocab")->size(), 320u);

  const absl::StatusOr<std::unique_ptr<SubwordModel>> model = SubwordModel::Load(first + ".model");
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ((*model)->vocab_size(), 320);
  EXPECT_EQ((*model)->pad_id(), 0);
  EXPECT_EQ((*model)->unk_id(), 1);
  EXPECT_EQ((*model)->bos_id(), 2);
  EXPECT_EQ((*model)->eos_id(), 3);
  // Characters never seen in training ("&", "€") survive through byte pieces.
  for (const std::string& text : {std::string("Der Hund sieht 17 Äpfel im Garten."),
                                  std::string("Tom & Jerry kosten 5 €.")}) {
    const absl::StatusOr<std::vector<int>> ids = (*model)->Encode(text);
    ASSERT_TRUE(ids.ok());
    for (int id : *ids) EXPECT_NE(id, (*model)->unk_id()) << text;
    EXPECT_EQ(*(*model)->Decode(*ids), text);
  }
  // Special ids decode to nothing; ids outside the vocabulary are an error.
  std::vector<int> ids = *(*model)->Encode("Der Hund.");
  ids.push_back((*model)->eos_id());
  ids.push_back((*model)->pad_id());
  EXPECT_EQ(*(*model)->Decode(ids), "Der Hund.");
  EXPECT_THAT((*model)->Decode({5000}).status().message(), HasSubstr("320 pieces"));
}

TEST(SubwordModelTest, TrainingErrorsAreReported) {
  EXPECT_FALSE(SubwordModel::Train({}, SmallOptions(), TempDir() + "/none").ok());
  SubwordTrainingOptions options = SmallOptions();
  options.vocab_size = 100000;
  const absl::Status status = SubwordModel::Train(Sentences(), options, TempDir() + "/huge");
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("vocab_size 100000"));
}

TEST(SubwordModelTest, UnreadableModelIsAnError) {
  EXPECT_TRUE(absl::IsNotFound(SubwordModel::Load("/nonexistent/spm.model").status()));
  const std::string garbage = TempDir() + "/garbage.model";
  std::ofstream(garbage) << "this is not a protobuf";
  const absl::Status status = SubwordModel::Load(garbage).status();
  EXPECT_TRUE(absl::IsInvalidArgument(status));
  EXPECT_THAT(status.message(), HasSubstr("not a readable SentencePiece model"));
}

}  // namespace
}  // namespace core
