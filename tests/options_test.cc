#include "plugins/options.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace plugins {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

const OptionSpecs& Specs() {
  static const OptionSpecs specs = {
      OptionSpec::Double("beta2", 0.999, "second moment"),
      OptionSpec::Int("warmup", 4000, "warmup updates"),
      OptionSpec::Bool("amsgrad", false, "max of v"),
      OptionSpec::String("mode", "l2", "weight decay mode"),
      OptionSpec::Doubles("betas", {0.9, 0.999}, "moment decay rates"),
  };
  return specs;
}

TEST(OptionValuesTest, DefaultsWhenNothingGiven) {
  absl::StatusOr<OptionValues> values = OptionValues::Parse("optimizer 'x'", Specs(), {});
  ASSERT_TRUE(values.ok()) << values.status();
  EXPECT_DOUBLE_EQ(values->GetDouble("beta2"), 0.999);
  EXPECT_EQ(values->GetInt("warmup"), 4000);
  EXPECT_FALSE(values->GetBool("amsgrad"));
  EXPECT_EQ(values->GetString("mode"), "l2");
  EXPECT_THAT(values->GetDoubles("betas"), ElementsAre(0.9, 0.999));
}

TEST(OptionValuesTest, ParsesGivenValuesOfEveryType) {
  absl::StatusOr<OptionValues> values = OptionValues::Parse("optimizer 'x'", Specs(),
                                                            {{"beta2", "0.98"},
                                                             {"warmup", " 8000 "},
                                                             {"amsgrad", "true"},
                                                             {"mode", "decoupled"},
                                                             {"betas", "0.9, 0.98"}});
  ASSERT_TRUE(values.ok()) << values.status();
  EXPECT_DOUBLE_EQ(values->GetDouble("beta2"), 0.98);
  EXPECT_EQ(values->GetInt("warmup"), 8000);
  EXPECT_TRUE(values->GetBool("amsgrad"));
  EXPECT_EQ(values->GetString("mode"), "decoupled");
  EXPECT_THAT(values->GetDoubles("betas"), ElementsAre(0.9, 0.98));
}

TEST(OptionValuesTest, ResolvedListsEveryOptionInDeclarationOrder) {
  absl::StatusOr<OptionValues> values =
      OptionValues::Parse("optimizer 'x'", Specs(), {{"beta2", "1e-8"}});
  ASSERT_TRUE(values.ok());
  EXPECT_THAT(values->Resolved(),
              ElementsAre(Pair("beta2", "1e-08"), Pair("warmup", "4000"), Pair("amsgrad", "false"),
                          Pair("mode", "l2"), Pair("betas", "0.9,0.999")));
}

TEST(OptionValuesTest, UnknownOptionNamesOwnerAndClosestMatch) {
  absl::StatusOr<OptionValues> values =
      OptionValues::Parse("optimizer 'radam'", Specs(), {{"beta3", "0.9"}});
  ASSERT_FALSE(values.ok());
  EXPECT_EQ(values.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(values.status().message(),
            "optimizer 'radam': unknown option 'beta3'; did you mean 'beta2'?; known: beta2, "
            "warmup, amsgrad, mode, betas");
}

TEST(OptionValuesTest, OptionsForAPluginWithoutOptionsAreRejected) {
  absl::StatusOr<OptionValues> values =
      OptionValues::Parse("lr_scheduler 'constant'", {}, {{"warmup", "10"}});
  ASSERT_FALSE(values.ok());
  EXPECT_THAT(values.status().message(), HasSubstr("it takes no options"));
}

TEST(OptionValuesTest, BadValuesNameOptionAndValue) {
  const std::pair<const char*, const char*> cases[] = {
      {"beta2", "abc"}, {"warmup", "1.5"}, {"amsgrad", "maybe"}, {"betas", "0.9;0.98"}};
  for (const auto& [name, text] : cases) {
    absl::StatusOr<OptionValues> values =
        OptionValues::Parse("optimizer 'x'", Specs(), {{name, text}});
    ASSERT_FALSE(values.ok()) << name;
    EXPECT_THAT(values.status().message(),
                HasSubstr(std::string("option '") + name + "' = '" + text + "' is not"));
  }
}

TEST(OptionValuesDeathTest, ReadingUndeclaredOptionIsAPluginBug) {
  absl::StatusOr<OptionValues> values = OptionValues::Parse("optimizer 'x'", Specs(), {});
  ASSERT_TRUE(values.ok());
  EXPECT_DEATH(values->GetDouble("beta1"), "undeclared option 'beta1'");
  EXPECT_DEATH(values->GetInt("beta2"), "'beta2' has type double, read as int");
}

}  // namespace
}  // namespace plugins
