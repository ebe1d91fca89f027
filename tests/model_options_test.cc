#include "core/model/model_options.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace core {
namespace {

using ::testing::HasSubstr;

TEST(ModelOptionsTest, DefaultsAreValid) { EXPECT_TRUE(ValidateModelOptions({}).ok()); }

TEST(ModelOptionsTest, ResidualModesRoundTripByName) {
  for (const std::string& name : ResidualModeNames()) {
    absl::StatusOr<ResidualMode> mode = ParseResidualMode(name);
    ASSERT_TRUE(mode.ok()) << name;
    EXPECT_EQ(ResidualModeName(*mode), name);
  }
  EXPECT_EQ(ParseResidualMode("postln").status().message(),
            "unknown residual mode 'postln'; known: post, pre, admin, none, scaled");
}

TEST(ModelOptionsTest, EachInvalidFieldIsNamed) {
  auto error = [](const std::function<void(ModelOptions&)>& change) {
    ModelOptions options;
    change(options);
    return std::string(ValidateModelOptions(options).message());
  };
  EXPECT_EQ(error([](ModelOptions& o) { o.attention_heads = 3; }),
            "embed_dim = 512 is not divisible by attention_heads = 3");
  EXPECT_EQ(error([](ModelOptions& o) { o.encoder_layers = 0; }), "encoder_layers = 0 must be > 0");
  EXPECT_EQ(error([](ModelOptions& o) { o.dropout = 1.0; }), "dropout = 1 must be in [0, 1)");
  EXPECT_THAT(error([](ModelOptions& o) { o.target_vocab_size = 100; }),
              HasSubstr("share_all_embeddings needs one vocabulary"));
  EXPECT_EQ(error([](ModelOptions& o) { o.pad_id = 9000; }),
            "pad_id = 9000 is outside the vocabularies");
  EXPECT_THAT(error([](ModelOptions& o) {
                o.embed_dim = 6;
                o.attention_heads = 1;
                o.embed_dim = 7;
              }),
              HasSubstr("must be even"));
}

TEST(ModelOptionsTest, PostNormModes) {
  EXPECT_TRUE(IsPostNorm(ResidualMode::kPost));
  EXPECT_TRUE(IsPostNorm(ResidualMode::kAdmin));
  EXPECT_TRUE(IsPostNorm(ResidualMode::kScaled));
  EXPECT_FALSE(IsPostNorm(ResidualMode::kPre));
  EXPECT_FALSE(IsPostNorm(ResidualMode::kNone));
}

}  // namespace
}  // namespace core
