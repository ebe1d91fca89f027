// Flat plugin options: collected from every registry, split among the chosen plugins.
#include "plugins/plugin_options.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace plugins {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

struct Thing {
  virtual ~Thing() = default;
};
using ThingRegistry = Registry<Thing>;

std::unique_ptr<Thing> MakeThing(const OptionValues&) { return std::make_unique<Thing>(); }

class PluginOptionsTest : public ::testing::Test {
 protected:
  PluginOptionsTest() : optimizers_("optimizer", "toy"), schedules_("lr_scheduler", "toy") {
    Add(optimizers_, "sgd",
        {OptionSpec::Double("momentum", 0, ""), OptionSpec::Double("weight_decay", 0, "")});
    Add(optimizers_, "adam",
        {OptionSpec::Doubles("betas", {0.9, 0.999}, ""),
         OptionSpec::Double("weight_decay", 0, "")});
    Add(schedules_, "inverse_sqrt", {OptionSpec::Int("warmup_updates", 4000, "")});
    Add(schedules_, "constant", {});
  }
  static void Add(ThingRegistry& registry, const std::string& name, OptionSpecs options) {
    ASSERT_TRUE(registry.Add({name, "", std::move(options), "here"}, MakeThing).ok());
  }
  ThingRegistry optimizers_;
  ThingRegistry schedules_;
};

TEST_F(PluginOptionsTest, SplitsGivenOptionsAmongChosenPlugins) {
  absl::StatusOr<std::vector<OptionMap>> split = AssignPluginOptions(
      {{&optimizers_, "adam"}, {&schedules_, "inverse_sqrt"}},
      {{"betas", "0.9,0.98"}, {"warmup_updates", "8000"}, {"weight_decay", "1e-4"}});
  ASSERT_TRUE(split.ok()) << split.status();
  EXPECT_THAT((*split)[0], ElementsAre(Pair("betas", "0.9,0.98"), Pair("weight_decay", "1e-4")));
  EXPECT_THAT((*split)[1], ElementsAre(Pair("warmup_updates", "8000")));
}

TEST_F(PluginOptionsTest, OptionOfAnUnchosenPluginIsAnError) {
  absl::StatusOr<std::vector<OptionMap>> split = AssignPluginOptions(
      {{&optimizers_, "adam"}, {&schedules_, "constant"}}, {{"momentum", "0.9"}});
  ASSERT_FALSE(split.ok());
  EXPECT_EQ(split.status().message(),
            "--momentum is an option of optimizer 'sgd'; the chosen optimizer 'adam' and "
            "lr_scheduler 'constant' do not take it");
}

TEST_F(PluginOptionsTest, UnknownOptionSuggestsTheClosestDeclaredOne) {
  absl::StatusOr<std::vector<OptionMap>> split =
      AssignPluginOptions({{&optimizers_, "adam"}}, {{"warmup_update", "10"}});
  ASSERT_FALSE(split.ok());
  EXPECT_EQ(split.status().message(),
            "--warmup_update is not an option of any plugin; did you mean --warmup_updates?");
}

TEST_F(PluginOptionsTest, UnknownPluginNameIsReported) {
  EXPECT_EQ(AssignPluginOptions({{&optimizers_, "adma"}}, {}).status().message(),
            "unknown optimizer 'adma'; did you mean 'adam'? known: adam, sgd");
}

TEST_F(PluginOptionsTest, NothingGivenGivesEmptyMaps) {
  absl::StatusOr<std::vector<OptionMap>> split = AssignPluginOptions({{&optimizers_, "sgd"}}, {});
  ASSERT_TRUE(split.ok());
  EXPECT_THAT((*split)[0], IsEmpty());
}

TEST_F(PluginOptionsTest, AllPluginOptionsListsOwnersOfSharedNames) {
  absl::StatusOr<std::map<std::string, DeclaredOption>> all = AllPluginOptions();
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_THAT(all->at("weight_decay").owners, ElementsAre("optimizer 'adam'", "optimizer 'sgd'"));
}

TEST_F(PluginOptionsTest, SharedNameWithDifferentTypesIsRejected) {
  Add(schedules_, "linear", {OptionSpec::Int("weight_decay", 0, "")});
  EXPECT_EQ(AllPluginOptions().status().message(),
            "option 'weight_decay' has type int in lr_scheduler 'linear' but type double in "
            "optimizer 'adam'; plugins that share an option name must share its type");
}

}  // namespace
}  // namespace plugins
