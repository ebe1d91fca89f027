#include "core/model/model_options.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace core {
namespace {

using ::testing::HasSubstr;

TEST(ModelOptionsTest, DefaultsAreValid) { EXPECT_TRUE(ValidateModelOptions({}).ok()); }

TEST(ModelOptionsTest, ResidualArrangementsAreCheckedByNameAndOptions) {
  ModelOptions options;
  options.decoder_residual = "postln";
  EXPECT_THAT(std::string(ValidateModelOptions(options).message()),
              HasSubstr("decoder_residual: unknown residual 'postln'; did you mean 'post'?"));
  options.decoder_residual = "scaled";
  options.residual_options["residual_alpha"] = "large";
  EXPECT_THAT(std::string(ValidateModelOptions(options).message()), HasSubstr("residual_alpha"));
  options.residual_options["residual_alpha"] = "0.5";
  EXPECT_TRUE(ValidateModelOptions(options).ok());
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

}  // namespace
}  // namespace core
